package dev.jdnn.inference;

import dev.jdnn.layers.EltwiseOp;
import dev.jdnn.runtime.Algorithm;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One step of a folded network, independent of the batch size: what {@link Folding} makes of the
 * model's layers and what a {@link BatchPlan} turns into primitives. Shapes are per sample.
 */
sealed interface InferenceOp {
    /** The per-sample output shape (C x H x W or F). */
    long[] outputShape();

    /**
     * A convolution or a dense layer with batch norm folded into {@code weights} and {@code bias} (plain
     * layout, f32, owned by the compiled model) and its activations as post-ops. A dense layer reading
     * a C x H x W input sees its weights as O x C x H x W over the same floats; a grouped convolution sees
     * them as G x O/G x I/G x H x W. A convolution's {@code dilates} are oneDNN's (d - 1 per axis).
     */
    record Affine(Kind kind, long[] weightDims, MemorySegment weights, MemorySegment bias, long[] strides,
                  long[] dilates, long[] padBefore, long[] padAfter, List<EltwiseOp> postOps, long[] outputShape)
            implements InferenceOp {
        enum Kind { CONVOLUTION, DENSE }
    }

    /** Max or average pooling. */
    record Pool(Algorithm algorithm, long[] kernel, long[] strides, long[] padBefore, long[] padAfter,
                long[] outputShape) implements InferenceOp {}

    /** Softmax over axis 1: the one activation that cannot be a post-op. */
    record Softmax(long[] outputShape) implements InferenceOp {}
}
