package dev.jdnn.inference;

import dev.jdnn.layers.BatchNorm;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.EltwiseOp;
import dev.jdnn.layers.Graph;
import dev.jdnn.layers.InferenceRules;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Op;
import dev.jdnn.layers.Parameter;
import dev.jdnn.runtime.Algorithm;
import dev.jdnn.runtime.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a trained network's graph into inference operations: each batch norm folded into the convolution or dense
 * layer before it, activations fused as post-ops (softmax, which is not element-wise, stays a step of its own; an
 * activation after an op that takes no post-ops becomes one), a residual addition fused into the convolution that
 * gives one of its addends as a sum post-op, dropout removed, and a flatten in front of dense layers dropped because
 * they read the 4-D tensor directly. A fusion only takes a value that nothing else reads. The folded weights are
 * copied into {@code owner}, so the compiled model does not depend on the network afterwards.
 * <p>Folding y = s * (x - mean) / sqrt(var + eps) + t into x = W u + b gives, per output channel o,
 * W'[o] = W[o] * k[o] and b'[o] = (b[o] - mean[o]) * k[o] + t[o], with k = s / sqrt(var + eps),
 * computed in double and rounded once. A convolution without a bias folds as one with a zero bias, so with batch norm
 * after it it compiles with the bias b'[o] = (0 - mean[o]) * k[o] + t[o], and without, with a bias of zeros.
 */
final class Folding implements InferenceRules {
    private final Graph graph;
    private final List<Parameter> parameters;
    private final Arena owner;
    /** The ops so far; an entry stays a {@link Pending} (open to fusions) until the end. */
    private final List<Object> ops = new ArrayList<>();
    /** For each graph value, the inference value that holds it (0: the images, i + 1: op i's output). */
    private final int[] at;
    /** For each graph value, whether every reader of its inference value reads it through this graph value. */
    private final boolean[] owned;
    /** For each graph value a dropped flatten gave, the C x H x W shape the dense layers after it read. */
    private final long[][] unflattened;
    /** The node being compiled: its index and value, its first input's value, and its parameters. */
    private int node;
    private int value;
    private int x;
    private List<Parameter> own;

    private Folding(Network network, Arena owner) {
        this.graph = network.graph();
        this.parameters = network.parameters().parameters();
        this.owner = owner;
        this.at = new int[graph.nodes().size() + 1];
        this.owned = new boolean[at.length];
        this.unflattened = new long[at.length][];
        owned[0] = true;
    }

    /** The network's inference operations, with folded weights allocated in {@code owner}. */
    static List<InferenceOp> fold(Network network, Arena owner) {
        Folding folding = new Folding(network, owner);
        for (int i = 0; i < folding.graph.nodes().size(); i++) folding.add(i);
        return folding.ops.stream().map(op -> op instanceof Pending p ? p.toOp(owner) : (InferenceOp) op).toList();
    }

    /** Compiles node {@code node} by its operation's rule, which calls back one of the methods below. */
    private void add(int node) {
        this.node = node;
        this.value = node + 1;
        this.x = graph.node(node).inputs().getFirst();
        this.own = parameters.subList(graph.parameterStart(node), graph.parameterStart(node) + graph.parameterCount(node));
        graph.node(node).op().compile(this);
    }

    @Override
    public long[] inputShape() {
        return graph.inputShapes(node).getFirst();
    }

    @Override
    public void convolution(long[] weightDims, long[] strides, long[] dilates, long[] padBefore, long[] padAfter) {
        emit(value, new Pending(graph.node(node).op(), InferenceOp.Affine.Kind.CONVOLUTION, at[x], weightDims, own,
                strides, dilates, padBefore, padAfter, graph.shape(value)));
    }

    /** After a conv stack the weights O x (C*H*W) are read as O x C x H x W: the same floats. */
    @Override
    public void dense(long outFeatures, long inFeatures) {
        long[] source = unflattened[x] != null ? unflattened[x] : inputShape();
        long[] dims = source.length == 3 ? new long[] {outFeatures, source[0], source[1], source[2]}
                : new long[] {outFeatures, inFeatures};
        emit(value, new Pending(graph.node(node).op(), InferenceOp.Affine.Kind.DENSE, at[x], dims, own, null, null,
                null, null, graph.shape(value)));
    }

    @Override
    public void foldBatchNorm(BatchNorm norm) {
        Pending pending = fusable(x);
        if (pending == null || pending.activated()) {
            throw new UnsupportedOperationException(norm.name() + " must directly follow a convolution or dense layer"
                    + " whose output nothing else reads, to be folded into it for inference");
        }
        pending.fold(norm, own);
        alias(value, x);
    }

    @Override
    public void eltwise(List<EltwiseOp> operations) {
        Object producer = producer(x);
        if (owned(x) && producer instanceof Pending pending) {
            pending.postOps.addAll(operations);
            alias(value, x);
        } else if (owned(x) && producer instanceof InferenceOp.Binary binary) {
            List<EltwiseOp> all = new ArrayList<>(binary.postOps());
            all.addAll(operations);
            ops.set(at[x] - 1, new InferenceOp.Binary(binary.algorithm(), binary.first(), binary.second(),
                    List.copyOf(all), binary.outputShape()));
            alias(value, x);
        } else {
            emit(value, new InferenceOp.Eltwise(at[x], operations, graph.shape(value)));
        }
    }

    @Override
    public void softmax() {
        emit(value, new InferenceOp.Softmax(at[x], graph.shape(value)));
    }

    @Override
    public void pool(Algorithm algorithm, long[] kernel, long[] strides, long[] padBefore, long[] padAfter) {
        emit(value, new InferenceOp.Pool(at[x], algorithm, kernel, strides, padBefore, padAfter, graph.shape(value)));
    }

    @Override
    public void passThrough() {
        alias(value, x);
    }

    @Override
    public void flattenForDense() {
        for (Graph.Use use : graph.uses(value)) {
            if (!(graph.node(use.node()).op() instanceof Dense)) {
                throw new UnsupportedOperationException("a flatten is only compiled for inference in front of dense"
                        + " layers, which read their input unflattened; here it is followed by "
                        + graph.node(use.node()).op().name());
            }
        }
        alias(value, x);
        unflattened[value] = unflattened[x] != null ? unflattened[x] : inputShape();
    }

    @Override
    public void concat() {
        emit(value, new InferenceOp.Concat(graph.node(node).inputs().stream().map(v -> at[v]).toList(),
                graph.shape(value)));
    }

    /**
     * An addition: fused as a sum post-op into a convolution that gives one addend, when nothing else reads that
     * addend and the other one is ready before the convolution runs; else a binary add.
     */
    @Override
    public void add() {
        List<Integer> inputs = graph.node(node).inputs();
        boolean sameShapes = Arrays.equals(graph.shape(inputs.get(0)), graph.shape(inputs.get(1)));
        for (int k = 0; sameShapes && k < 2; k++) {
            int addend = inputs.get(k);
            int other = inputs.get(1 - k);
            if (at[addend] != at[other] && fusable(addend) instanceof Pending conv
                    && conv.kind == InferenceOp.Affine.Kind.CONVOLUTION && conv.sumInput < 0
                    && at[other] < at[addend]) {
                conv.sumInput = at[other];
                conv.sumAt = conv.postOps.size();
                alias(value, addend);
                return;
            }
        }
        binary(Algorithm.BINARY_ADD);
    }

    /** A binary op; the input of the full shape goes first, since oneDNN broadcasts only the second. */
    @Override
    public void binary(Algorithm algorithm) {
        List<Integer> inputs = graph.node(node).inputs();
        long[] output = graph.shape(value);
        boolean swap = !Arrays.equals(graph.shape(inputs.get(0)), output);
        if (swap && !Arrays.equals(graph.shape(inputs.get(1)), output)) {
            throw new UnsupportedOperationException(graph.node(node).op().name() + " of "
                    + Arrays.toString(graph.shape(inputs.get(0))) + " and " + Arrays.toString(graph.shape(inputs.get(1)))
                    + " broadcasts both inputs; compiled inference needs one of them to have the output's shape");
        }
        int first = at[inputs.get(swap ? 1 : 0)];
        int second = at[inputs.get(swap ? 0 : 1)];
        emit(value, new InferenceOp.Binary(algorithm, first, second, List.of(), output));
    }

    /** The convolution or dense layer that gives {@code x}, when it may take more fusions; else null. */
    private Pending fusable(int x) {
        return owned(x) && producer(x) instanceof Pending pending ? pending : null;
    }

    /** Whether the graph value {@code x} alone holds its inference value, and one node reads it. */
    private boolean owned(int x) {
        return owned[x] && graph.uses(x).size() == 1;
    }

    private Object producer(int x) {
        return at[x] == 0 ? null : ops.get(at[x] - 1);
    }

    private void emit(int value, Object op) {
        ops.add(op);
        at[value] = ops.size();
        owned[value] = true;
    }

    /** The graph value {@code value} is {@code x} passed on (a fused or dropped node). */
    private void alias(int value, int x) {
        at[value] = at[x];
        owned[value] = owned(x);
    }

    /** A convolution or dense layer being folded, with copies of its weights and bias. */
    private static final class Pending {
        private final Op layer;
        private final InferenceOp.Affine.Kind kind;
        private final int input;
        private final long[] weightDims;
        private final float[] weights;
        private final float[] bias;
        private final long[] strides;
        private final long[] dilates;
        private final long[] padBefore;
        private final long[] padAfter;
        private final long[] outputShape;
        private final List<EltwiseOp> postOps = new ArrayList<>();
        private int sumInput = -1;
        private int sumAt = -1;

        Pending(Op layer, InferenceOp.Affine.Kind kind, int input, long[] weightDims, List<Parameter> parameters,
                long[] strides, long[] dilates, long[] padBefore, long[] padAfter, long[] outputShape) {
            this.layer = layer;
            this.kind = kind;
            this.input = input;
            this.weightDims = weightDims;
            this.weights = parameters.get(0).value().toArray(ValueLayout.JAVA_FLOAT);
            this.bias = parameters.size() > 1 ? parameters.get(1).value().toArray(ValueLayout.JAVA_FLOAT)
                    : new float[Math.toIntExact(outputShape[0])]; // a bias-free convolution: one zero per channel
            this.strides = strides;
            this.dilates = dilates;
            this.padBefore = padBefore;
            this.padAfter = padAfter;
            this.outputShape = outputShape;
        }

        /** Whether anything after the affine map is fused already (then batch norm can no longer fold). */
        boolean activated() {
            return !postOps.isEmpty() || sumInput >= 0;
        }

        /** Folds batch norm (parameters scale, shift, running mean, running variance) into the weights. */
        void fold(BatchNorm norm, List<Parameter> parameters) {
            long channels = parameters.get(0).spec().elementCount();
            if (channels != bias.length) {
                throw new IllegalStateException(norm.name() + " normalizes " + channels + " channels but "
                        + layer.name() + " gives " + bias.length);
            }
            norm.foldInto(weights, bias, parameters);
        }

        InferenceOp toOp(Arena owner) {
            return new InferenceOp.Affine(kind, input, weightDims, copy(owner, weights), copy(owner, bias), strides,
                    dilates, padBefore, padAfter, List.copyOf(postOps), sumInput, sumAt, outputShape);
        }

        private static MemorySegment copy(Arena owner, float[] values) {
            MemorySegment segment = owner.allocate((long) values.length * Float.BYTES, Memory.ALIGNMENT);
            MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_FLOAT, 0, values.length);
            return segment;
        }
    }
}
