package dev.jdnn.inference;

import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.BatchNorm;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Dropout;
import dev.jdnn.layers.EltwiseOp;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.GlobalAveragePooling2D;
import dev.jdnn.layers.Layer;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Parameter;
import dev.jdnn.layers.Pooling2D;
import dev.jdnn.layers.Sequential;
import dev.jdnn.runtime.Algorithm;
import dev.jdnn.runtime.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a trained network into inference operations: each batch norm folded into the convolution or
 * dense layer before it, activations fused as post-ops (softmax, which is not element-wise, stays a
 * step of its own), dropout removed, and a flatten in front of a dense layer dropped because the dense
 * layer reads the 4-D tensor directly. The folded weights are copied into {@code owner}, so the
 * compiled model does not depend on the network afterwards.
 * <p>Folding y = s * (x - mean) / sqrt(var + eps) + t into x = W u + b gives, per output channel o,
 * W'[o] = W[o] * k[o] and b'[o] = (b[o] - mean[o]) * k[o] + t[o], with k = s / sqrt(var + eps),
 * computed in double and rounded once. A convolution without a bias folds as one with a zero bias, so with batch norm
 * after it it compiles with the bias b'[o] = (0 - mean[o]) * k[o] + t[o], and without, with a bias of zeros.
 */
final class Folding {
    /** A layer of the flattened graph with its own parameters and its per-sample input shape. */
    private record Placed(Layer layer, List<Parameter> parameters, long[] inputShape) {}

    private final Arena owner;
    private final List<InferenceOp> ops = new ArrayList<>();
    private Pending pending;
    /** The C x H x W shape a dropped flatten received, which the dense layer after it reads directly. */
    private long[] unflattened;

    private Folding(Arena owner) {
        this.owner = owner;
    }

    /** The network's inference operations, with folded weights allocated in {@code owner}. */
    static List<InferenceOp> fold(Network network, Arena owner) {
        List<Placed> layers = new ArrayList<>();
        flatten(network.root(), network.parameters().parameters(), network.inputShape(), layers);
        Folding folding = new Folding(owner);
        for (int i = 0; i < layers.size(); i++) {
            Layer next = i + 1 < layers.size() ? layers.get(i + 1).layer() : null;
            folding.add(layers.get(i), next);
        }
        folding.flush();
        return List.copyOf(folding.ops);
    }

    private static void flatten(Layer layer, List<Parameter> parameters, long[] inputShape, List<Placed> into) {
        if (layer instanceof Sequential sequential) {
            int offset = 0;
            long[] shape = inputShape;
            for (Layer child : sequential.layers()) {
                int count = child.parameters(shape).size();
                flatten(child, parameters.subList(offset, offset + count), shape, into);
                offset += count;
                shape = child.outputShape(shape);
            }
        } else {
            into.add(new Placed(layer, parameters, inputShape));
        }
    }

    private void add(Placed placed, Layer next) {
        Layer layer = placed.layer();
        long[] in = placed.inputShape();
        switch (layer) {
            case Convolution2D conv -> {
                flush();
                long[][] pads = conv.paddings(in);
                // Grouped weights [out, in / g, k, k] are oneDNN's [g, out / g, in / g, k, k]: the same floats, so
                // batch norm still folds per output channel, each a contiguous run of in / g * k * k weights.
                long g = conv.groups();
                long[] weightDims = g == 1 ? placed.parameters().get(0).spec().dims() : new long[] {g,
                        conv.outChannels() / g, conv.inChannels() / g, conv.filterSize(), conv.filterSize()};
                long dilates = conv.dilation() - 1;
                pending = new Pending(layer, InferenceOp.Affine.Kind.CONVOLUTION, weightDims, placed.parameters(),
                        new long[] {conv.stride(), conv.stride()}, new long[] {dilates, dilates}, pads[0], pads[1],
                        conv.outputShape(in));
            }
            case Dense dense -> {
                flush();
                // After a conv stack the weights O x (C*H*W) are read as O x C x H x W: the same floats.
                long[] source = unflattened != null ? unflattened : in;
                unflattened = null;
                long[] dims = source.length == 3 ? new long[] {dense.outFeatures(), source[0], source[1], source[2]}
                        : new long[] {dense.outFeatures(), dense.inFeatures()};
                pending = new Pending(layer, InferenceOp.Affine.Kind.DENSE, dims, placed.parameters(),
                        null, null, null, null, dense.outputShape(in));
            }
            case BatchNorm norm -> requirePendingBeforeActivation(layer).fold(norm, placed.parameters());
            case Activation activation -> addActivation(activation, in);
            case Pooling2D pool -> {
                flush();
                long[][] pads = pool.paddings(in);
                ops.add(new InferenceOp.Pool(pool.algorithm(), new long[] {pool.filterSize(), pool.filterSize()},
                        new long[] {pool.stride(), pool.stride()}, pads[0], pads[1], pool.outputShape(in)));
            }
            case GlobalAveragePooling2D pool -> {
                flush();
                ops.add(new InferenceOp.Pool(Algorithm.POOLING_AVG_EXCLUDE_PADDING, new long[] {in[1], in[2]},
                        new long[] {1, 1}, new long[] {0, 0}, new long[] {0, 0}, pool.outputShape(in)));
            }
            case Dropout ignored -> { } // the identity at inference
            case Flatten ignored -> {
                if (!(next instanceof Dense)) {
                    throw new UnsupportedOperationException("a flatten is only compiled for inference in front of a"
                            + " dense layer, which reads its input unflattened; here it is followed by "
                            + (next == null ? "nothing" : next.name()));
                }
                unflattened = in;
            }
            default -> throw new UnsupportedOperationException("layer " + layer.name() + " ("
                    + layer.getClass().getSimpleName() + ") cannot be compiled for inference; supported: convolution,"
                    + " dense, batch norm, activation, pooling, global average pooling, dropout, flatten");
        }
    }

    private void addActivation(Activation activation, long[] in) {
        if (activation.function() == ActivationFunction.SOFTMAX) {
            flush();
            ops.add(new InferenceOp.Softmax(activation.outputShape(in)));
            return;
        }
        if (pending == null) {
            throw new UnsupportedOperationException(activation.name() + " must follow a convolution or dense layer"
                    + " (optionally with batch norm) to be fused into it for inference");
        }
        pending.postOps.addAll(activation.asPostOps().orElseThrow());
        pending.activated = true;
    }

    private Pending requirePendingBeforeActivation(Layer layer) {
        if (pending == null || pending.activated) {
            throw new UnsupportedOperationException(layer.name() + " must directly follow a convolution or dense"
                    + " layer to be folded into it for inference");
        }
        return pending;
    }

    private void flush() {
        if (pending == null) return;
        ops.add(pending.toOp(owner));
        pending = null;
    }

    /** The convolution or dense layer being folded, with copies of its weights and bias. */
    private static final class Pending {
        private final Layer layer;
        private final InferenceOp.Affine.Kind kind;
        private final long[] weightDims;
        private final float[] weights;
        private final float[] bias;
        private final long[] strides;
        private final long[] dilates;
        private final long[] padBefore;
        private final long[] padAfter;
        private final long[] outputShape;
        private final List<EltwiseOp> postOps = new ArrayList<>();
        private boolean activated;

        Pending(Layer layer, InferenceOp.Affine.Kind kind, long[] weightDims, List<Parameter> parameters,
                long[] strides, long[] dilates, long[] padBefore, long[] padAfter, long[] outputShape) {
            this.layer = layer;
            this.kind = kind;
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
            return new InferenceOp.Affine(kind, weightDims, copy(owner, weights), copy(owner, bias), strides,
                    dilates, padBefore, padAfter, List.copyOf(postOps), outputShape);
        }

        private static MemorySegment copy(Arena owner, float[] values) {
            MemorySegment segment = owner.allocate((long) values.length * Float.BYTES, Memory.ALIGNMENT);
            MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_FLOAT, 0, values.length);
            return segment;
        }
    }
}
