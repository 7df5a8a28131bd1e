package dev.jdnn;

import dev.jdnn.layers.Graph;
import dev.jdnn.layers.ParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The seed's summary of a graph: each block with its output shape and weight and bias counts (batch-norm scale and
 * shift count as weight and bias), its nodes indented below it with their own counts, and the totals. A block is the
 * nodes whose names start with the same index ({@code 0.0}, {@code 0.1}, ...); a node alone in its block is a row of
 * its own.
 */
final class Summary {
    /** The layer column's width: 34, or wider for longer names (a dilated or grouped convolution's). */
    private static final int NAME_WIDTH = 34;

    private final Graph graph;
    private final String row;
    private final StringBuilder text;
    private long weights;
    private long biases;
    private long statistics;

    private Summary(Graph graph, int nameWidth) {
        this.graph = graph;
        row = "%-" + nameWidth + "s %-14s %9s %8s%n";
        text = new StringBuilder(String.format(row, "layer", "output shape", "weights", "biases"));
    }

    /** The summary of {@code graph}, a block labelled by {@code blockLabels} (by block index) or by its index. */
    static String of(Graph graph, Map<String, String> blockLabels) {
        List<List<Integer>> blocks = blocks(graph);
        int nameWidth = NAME_WIDTH;
        for (List<Integer> block : blocks) {
            for (int node : block) nameWidth = Math.max(nameWidth, 2 + graph.node(node).op().name().length());
        }
        Summary summary = new Summary(graph, nameWidth);
        for (List<Integer> block : blocks) {
            if (block.size() == 1) {
                summary.row("", graph.node(block.getFirst()).op().name(), block, true);
                continue;
            }
            String key = blockOf(graph.node(block.getFirst()).name());
            summary.row("", blockLabels.getOrDefault(key, key), block, true);
            for (int node : block) summary.row("  ", graph.node(node).op().name(), List.of(node), false);
        }
        summary.text.append(String.format("total: %d trainable parameters (%d weights, %d biases), %d batch-norm"
                + " statistics%n", summary.weights + summary.biases, summary.weights, summary.biases, summary.statistics));
        return summary.text.toString();
    }

    /** Consecutive nodes with the same first name part, in order. */
    private static List<List<Integer>> blocks(Graph graph) {
        List<List<Integer>> blocks = new ArrayList<>();
        String current = null;
        for (int i = 0; i < graph.nodes().size(); i++) {
            String block = blockOf(graph.node(i).name());
            if (!block.equals(current)) blocks.add(new ArrayList<>());
            blocks.getLast().add(i);
            current = block;
        }
        return blocks;
    }

    private static String blockOf(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /** A row for {@code nodes}: their parameter counts, and the last one's output shape. */
    private void row(String indent, String label, List<Integer> nodes, boolean count) {
        long w = 0, b = 0, s = 0;
        List<ParameterSpec> all = graph.parameters();
        for (int node : nodes) {
            int start = graph.parameterStart(node);
            for (ParameterSpec spec : all.subList(start, start + graph.parameterCount(node))) {
                switch (spec.kind()) {
                    case WEIGHT, SCALE -> w += spec.elementCount();
                    case BIAS, SHIFT -> b += spec.elementCount();
                    case RUNNING_MEAN, RUNNING_VARIANCE -> s += spec.elementCount();
                }
            }
        }
        if (count) {
            weights += w;
            biases += b;
            statistics += s;
        }
        String shape = Arrays.toString(graph.shape(nodes.getLast() + 1));
        text.append(String.format(row, indent + label, shape, w, b));
    }
}
