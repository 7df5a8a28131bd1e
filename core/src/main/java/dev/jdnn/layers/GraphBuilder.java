package dev.jdnn.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link Graph} by applying operations to values, in the style of Keras's functional API:
 * <pre>{@code
 * GraphBuilder b = new GraphBuilder(1, 28, 28);
 * GraphBuilder.Value x = b.apply(new Convolution2D(1, 16, 3, 1, Padding.SAME), b.input());
 * GraphBuilder.Value y = b.apply(new BatchNorm2D(16), b.apply(new Convolution2D(16, 16, 3, 1, Padding.SAME), x));
 * GraphBuilder.Value sum = b.apply(new Activation(ActivationFunction.RELU), b.add(y, x)); // a residual block
 * Graph graph = b.build(b.apply(new Dense(16 * 28 * 28, 10), b.apply(new Flatten(), sum)));
 * }</pre>
 * Each application checks the operation against its inputs' shapes at once, so a mistake fails on its own line.
 * Nodes are named by the order of application ({@code 0}, {@code 1}, ...) unless named; {@link #build} keeps the
 * nodes the output depends on, in the order they were applied. Not thread-safe.
 */
public final class GraphBuilder {
    private final long[] inputShape;
    private final List<Graph.Node> nodes = new ArrayList<>();
    private final List<long[]> shapes = new ArrayList<>();
    private final Value input;

    /** A value of this builder: the input or an operation's output, with its per-sample shape. */
    public final class Value {
        private final int index;

        private Value(int index) {
            this.index = index;
        }

        /** The per-sample shape. */
        public long[] shape() {
            return shapes.get(index).clone();
        }

        private GraphBuilder owner() {
            return GraphBuilder.this;
        }

        @Override
        public String toString() {
            return (index == 0 ? "input" : "node '" + nodes.get(index - 1).name() + "'") + " " + Arrays.toString(shape());
        }
    }

    /**
     * A builder for per-sample inputs of {@code inputShape} (C x H x W for images).
     *
     * @throws IllegalArgumentException if there is no dim or one is not positive
     */
    public GraphBuilder(long... inputShape) {
        Objects.requireNonNull(inputShape, "inputShape");
        if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("inputShape must be one or more positive dims, got "
                    + Arrays.toString(inputShape));
        }
        this.inputShape = inputShape.clone();
        shapes.add(this.inputShape);
        input = new Value(0);
    }

    /** The graph's input. */
    public Value input() {
        return input;
    }

    /** {@code op} applied to {@code inputs}, as a node named by the order of application. */
    public Value apply(Op op, Value... inputs) {
        return apply(Integer.toString(nodes.size()), op, inputs);
    }

    /**
     * {@code op} applied to {@code inputs}, as a node named {@code name} (letters, digits and {@code _ . - /}; its
     * parameters are named {@code name.weight} and so on).
     *
     * @throws IllegalArgumentException if the name is taken or malformed, an input is of another builder, or the
     *     operation does not fit its inputs (the message names the operation and the shapes)
     */
    public Value apply(String name, Op op, Value... inputs) {
        Objects.requireNonNull(op, "op");
        List<Integer> indices = new ArrayList<>();
        List<long[]> inputShapes = new ArrayList<>();
        for (Value value : inputs) {
            if (value == null || value.owner() != this) {
                throw new IllegalArgumentException(op.name() + ": input " + value + " is not a value of this builder");
            }
            indices.add(value.index);
            inputShapes.add(shapes.get(value.index));
        }
        if (inputs.length != op.inputCount()) {
            throw new IllegalArgumentException(op.name() + " reads " + op.inputCount() + " inputs, given "
                    + inputs.length);
        }
        for (Graph.Node node : nodes) {
            if (node.name().equals(name)) throw new IllegalArgumentException("a node is already named '" + name + "'");
        }
        long[] shape = op.outputShape(inputShapes);
        op.parameters(inputShapes);
        Graph.Node node = new Graph.Node(name, op, indices);
        nodes.add(node);
        shapes.add(shape);
        return new Value(nodes.size());
    }

    /** {@code a + b}, {@code b} broadcast along its dims of size 1 ({@link Add}). */
    public Value add(Value a, Value b) {
        return apply(new Add(), a, b);
    }

    /** {@code a * b}, {@code b} broadcast along its dims of size 1 ({@link Mul}). */
    public Value mul(Value a, Value b) {
        return apply(new Mul(), a, b);
    }

    /** The values joined along their channels ({@link Concat}). */
    public Value concat(Value... values) {
        return apply(new Concat(values.length), values);
    }

    /**
     * The graph from the input to {@code output}: the nodes {@code output} depends on, in the order applied.
     *
     * @throws IllegalArgumentException if {@code output} is the input itself or of another builder, or does not
     *     depend on the input
     */
    public Graph build(Value output) {
        if (output == null || output.owner() != this) {
            throw new IllegalArgumentException("the output must be a value of this builder, got " + output);
        }
        if (output.index == 0) throw new IllegalArgumentException("the output is the input: apply an operation first");
        BitSet needed = new BitSet();
        needed.set(output.index);
        for (int v = output.index; v > 0; v--) {
            if (needed.get(v)) for (int in : nodes.get(v - 1).inputs()) needed.set(in);
        }
        int[] renumbered = new int[output.index + 1];
        List<Graph.Node> kept = new ArrayList<>();
        for (int v = 1; v <= output.index; v++) {
            if (!needed.get(v)) continue;
            Graph.Node node = nodes.get(v - 1);
            kept.add(new Graph.Node(node.name(), node.op(), node.inputs().stream().map(i -> renumbered[i]).toList()));
            renumbered[v] = kept.size();
        }
        if (!needed.get(0)) throw new IllegalArgumentException("the output does not depend on the input");
        return Graph.of(inputShape, kept);
    }

}
