package dev.jdnn;

import dev.jdnn.layers.Layer;
import dev.jdnn.layers.ParameterSpec;
import dev.jdnn.layers.Sequential;
import java.util.Arrays;

/**
 * The seed's summary: each block with its output shape and weight and bias counts (batch-norm scale and
 * shift count as weight and bias), its layers indented below it with their own counts, and the totals.
 */
final class Summary {
    /** The layer column's width: 34, or wider for longer names (a dilated or grouped convolution's). */
    private static final int NAME_WIDTH = 34;

    private final String row;
    private final StringBuilder text;
    private long weights;
    private long biases;
    private long statistics;

    private Summary(int nameWidth) {
        row = "%-" + nameWidth + "s %-14s %9s %8s%n";
        text = new StringBuilder(String.format(row, "layer", "output shape", "weights", "biases"));
    }

    static String of(Sequential network, long[] inputShape) {
        int nameWidth = NAME_WIDTH;
        for (Layer block : network.layers()) {
            nameWidth = Math.max(nameWidth, block.name().length());
            if (block instanceof Sequential inner) {
                for (Layer layer : inner.layers()) nameWidth = Math.max(nameWidth, 2 + layer.name().length());
            }
        }
        Summary summary = new Summary(nameWidth);
        long[] shape = inputShape;
        for (Layer block : network.layers()) {
            summary.row("", block, shape, true);
            if (block instanceof Sequential inner) {
                long[] innerShape = shape;
                for (Layer layer : inner.layers()) {
                    summary.row("  ", layer, innerShape, false);
                    innerShape = layer.outputShape(innerShape);
                }
            }
            shape = block.outputShape(shape);
        }
        summary.text.append(String.format("total: %d trainable parameters (%d weights, %d biases), %d batch-norm"
                + " statistics%n", summary.weights + summary.biases, summary.weights, summary.biases, summary.statistics));
        return summary.text.toString();
    }

    private void row(String indent, Layer layer, long[] input, boolean count) {
        long w = 0, b = 0, s = 0;
        for (ParameterSpec spec : layer.parameters(input)) {
            switch (spec.kind()) {
                case WEIGHT, SCALE -> w += spec.elementCount();
                case BIAS, SHIFT -> b += spec.elementCount();
                case RUNNING_MEAN, RUNNING_VARIANCE -> s += spec.elementCount();
            }
        }
        if (count) {
            weights += w;
            biases += b;
            statistics += s;
        }
        text.append(String.format(row, indent + layer.name(), Arrays.toString(layer.outputShape(input)), w, b));
    }
}
