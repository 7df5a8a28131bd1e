package dev.jdnn.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A network: a directed acyclic graph of operations over per-sample values, the one representation that training,
 * compiled inference, model files and ONNX export walk. Value 0 is the graph's input; node {@code i} reads earlier
 * values and gives value {@code i + 1}; the last node's value is the graph's output. Nodes are therefore in
 * topological order, and every value but the output is read by a later node.
 * <p>The parameters of all nodes form one flat list, node by node in order, each named {@code <node>.<name>}
 * ({@code 0.0.weight}), or by its own name in a graph whose single node has the empty name. Immutable.
 */
public final class Graph {
    /** Node names: letters, digits and {@code _ . - /}, so they are safe in files and ONNX names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_./-]+");

    /**
     * One operation applied to earlier values ({@code inputs}: 0 for the graph input, {@code j + 1} for the output
     * of node {@code j}).
     */
    public record Node(String name, Op op, List<Integer> inputs) {
        public Node {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(op, "op");
            inputs = List.copyOf(inputs);
        }
    }

    /** Input {@code slot} of node {@code node} reads the value. */
    public record Use(int node, int slot) {}

    private final long[] inputShape;
    private final List<Node> nodes;
    private final List<long[]> shapes = new ArrayList<>();
    private final List<List<Use>> uses = new ArrayList<>();
    private final List<ParameterSpec> parameters = new ArrayList<>();
    private final int[] parameterStart;

    private Graph(long[] inputShape, List<Node> nodes) {
        this.inputShape = inputShape.clone();
        this.nodes = List.copyOf(nodes);
        this.parameterStart = new int[nodes.size() + 1];
        shapes.add(this.inputShape);
        uses.add(new ArrayList<>());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            if (!(node.name().isEmpty() && nodes.size() == 1) && !NAME.matcher(node.name()).matches()) {
                throw new IllegalArgumentException("node " + i + " is named '" + node.name() + "': names are made of"
                        + " letters, digits and _ . - / (only a graph of one node may leave it empty)");
            }
            if (!names.add(node.name())) {
                throw new IllegalArgumentException("two nodes are named '" + node.name() + "': names must be unique");
            }
            if (node.inputs().size() != node.op().inputCount()) {
                throw new IllegalArgumentException("node '" + node.name() + "' (" + node.op().name() + ") reads "
                        + node.op().inputCount() + " inputs, given " + node.inputs().size());
            }
            List<long[]> in = new ArrayList<>();
            for (int slot = 0; slot < node.inputs().size(); slot++) {
                int value = node.inputs().get(slot);
                if (value < 0 || value > i) {
                    throw new IllegalArgumentException("node '" + node.name() + "' reads value " + value + ", but only"
                            + " the input (0) and the outputs of the nodes before it (1.." + i + ") exist there");
                }
                in.add(shapes.get(value));
                uses.get(value).add(new Use(i, slot));
            }
            shapes.add(node.op().outputShape(in));
            uses.add(new ArrayList<>());
            for (ParameterSpec spec : node.op().parameters(in)) {
                String name = node.name().isEmpty() ? spec.name() : node.name() + "." + spec.name();
                parameters.add(new ParameterSpec(name, spec.kind(), spec.dims()));
            }
            parameterStart[i + 1] = parameters.size();
        }
        for (int value = 0; value < nodes.size(); value++) {
            if (uses.get(value).isEmpty()) {
                throw new IllegalArgumentException((value == 0 ? "the graph's input" : "the output of node '"
                        + nodes.get(value - 1).name() + "'") + " is read by no node: every value but the last"
                        + " node's output must be used");
            }
        }
    }

    /**
     * The graph of {@code nodes} over per-sample inputs of {@code inputShape}, its shapes inferred node by node.
     *
     * @throws IllegalArgumentException if a dim of the input shape is not positive, there is no node, a node is
     *     misnamed, reads a value that does not exist before it or the wrong number of them, an operation does not
     *     fit its inputs' shapes, or a value other than the output is never read
     */
    public static Graph of(long[] inputShape, List<Node> nodes) {
        Objects.requireNonNull(inputShape, "inputShape");
        if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("inputShape must be one or more positive dims, got "
                    + Arrays.toString(inputShape));
        }
        if (nodes.isEmpty()) throw new IllegalArgumentException("a graph needs at least one node");
        return new Graph(inputShape, nodes);
    }

    /**
     * {@code root} as a chain: a {@link Sequential}'s layers (and theirs, recursively) one after the other, each named
     * by its path of indices ({@code 0.1} for the second layer of the first block), or one node named "" for a
     * single layer.
     */
    public static Graph chain(Layer root, long[] inputShape) {
        List<Node> nodes = new ArrayList<>();
        addChain("", root, nodes);
        return of(inputShape, nodes);
    }

    private static void addChain(String path, Layer layer, List<Node> into) {
        if (layer instanceof Sequential sequential) {
            List<Layer> children = sequential.layers();
            for (int i = 0; i < children.size(); i++) {
                addChain(path.isEmpty() ? Integer.toString(i) : path + "." + i, children.get(i), into);
            }
        } else {
            into.add(new Node(path, layer, List.of(into.size())));
        }
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node node(int index) {
        return nodes.get(index);
    }

    public long[] inputShape() {
        return inputShape.clone();
    }

    /** The per-sample shape of the graph's output, the last node's value. */
    public long[] outputShape() {
        return shape(nodes.size());
    }

    /** The index of the graph's output value. */
    public int output() {
        return nodes.size();
    }

    /** The per-sample shape of {@code value}. */
    public long[] shape(int value) {
        return shapes.get(value).clone();
    }

    /** The per-sample shapes of node {@code node}'s inputs, in order. */
    public List<long[]> inputShapes(int node) {
        return nodes.get(node).inputs().stream().map(this::shape).toList();
    }

    /** Where {@code value} is read, in node order. */
    public List<Use> uses(int value) {
        return List.copyOf(uses.get(value));
    }

    /** Every node's parameters, node by node, named {@code <node>.<name>}. */
    public List<ParameterSpec> parameters() {
        return List.copyOf(parameters);
    }

    /** The index in {@link #parameters()} of node {@code node}'s first parameter. */
    public int parameterStart(int node) {
        return parameterStart[node];
    }

    /** How many parameters node {@code node} has. */
    public int parameterCount(int node) {
        return parameterStart[node + 1] - parameterStart[node];
    }

    /** Whether {@code other} is a graph of the same input shape and the same nodes (names, operations, inputs). */
    @Override
    public boolean equals(Object other) {
        return other instanceof Graph graph && Arrays.equals(inputShape, graph.inputShape) && nodes.equals(graph.nodes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputShape) + nodes.hashCode();
    }

    /** The nodes' operations, each line {@code name: op <- inputs}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("graph(input " + Arrays.toString(inputShape) + ")");
        for (Node node : nodes) {
            text.append("\n  ").append(node.name()).append(": ").append(node.op().name()).append(" <- ")
                    .append(node.inputs());
        }
        return text.toString();
    }
}
