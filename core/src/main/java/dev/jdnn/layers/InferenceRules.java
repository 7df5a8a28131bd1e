package dev.jdnn.layers;

import dev.jdnn.runtime.Algorithm;

/**
 * What a node becomes in compiled inference: an {@link Op} states its rule in {@link Op#compile} by one call here, and
 * jdnn's inference compiler does the folding, fusing and buffer work. Shapes are per sample; every call is about the
 * node being compiled, which reads the node's inputs in order.
 */
public interface InferenceRules {
    /** The per-sample shape of the node's first input. */
    long[] inputShape();

    /**
     * A convolution with the node's parameters (weights, then bias if any), its weights seen as {@code weightDims}
     * (G x O/G x I/G x KH x KW when grouped), and oneDNN's dilates (d - 1 per axis). Batch norm and activations after
     * it fold or fuse into it.
     */
    void convolution(long[] weightDims, long[] strides, long[] dilates, long[] padBefore, long[] padAfter);

    /** A dense layer with the node's parameters, reading its input unflattened when a flatten came before. */
    void dense(long outFeatures, long inFeatures);

    /** Batch norm with the node's parameters, folded into the convolution or dense layer that gives its input. */
    void foldBatchNorm(BatchNorm norm);

    /** Element-wise operations, fused as post-ops where the op before takes them, else a step of their own. */
    void eltwise(java.util.List<EltwiseOp> operations);

    /** Softmax over the channels (axis 1). */
    void softmax();

    /** Max or average pooling. */
    void pool(Algorithm algorithm, long[] kernel, long[] strides, long[] padBefore, long[] padAfter);

    /** The node passes its input on (the identity at inference). */
    void passThrough();

    /** A flatten that the dense layers reading it make free (they read the C x H x W input directly). */
    void flattenForDense();

    /** An addition, fused into a convolution as a sum post-op where it can be. */
    void add();

    /** A binary operation, the second input broadcast along its dims of size 1. */
    void binary(Algorithm algorithm);

    /** The inputs joined along the channels. */
    void concat();
}
