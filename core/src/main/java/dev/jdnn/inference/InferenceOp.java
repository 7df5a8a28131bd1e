package dev.jdnn.inference;

import dev.jdnn.layers.EltwiseOp;
import dev.jdnn.runtime.Algorithm;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One step of a folded network, independent of the batch size: what {@link Folding} makes of the model's graph and
 * what a {@link BatchPlan} turns into primitives. Values are numbered like a graph's: 0 is the images, {@code i + 1}
 * the output of op {@code i}; every op reads earlier values. Shapes are per sample.
 */
sealed interface InferenceOp {
    /** The per-sample output shape (C x H x W or F). */
    long[] outputShape();

    /** The values the op reads, in order. */
    List<Integer> inputs();

    /**
     * A convolution or a dense layer with batch norm folded into {@code weights} and {@code bias} (plain layout, f32,
     * owned by the compiled model) and its activations as post-ops. A dense layer reading a C x H x W input sees its
     * weights as O x C x H x W over the same floats; a grouped convolution sees them as G x O/G x I/G x H x W. A
     * convolution's {@code dilates} are oneDNN's (d - 1 per axis). A convolution with a residual addition fused in
     * has {@code sumInput}, the value added to its result (a sum post-op), placed before post-op {@code sumAt};
     * otherwise {@code sumInput} is -1.
     */
    record Affine(Kind kind, int input, long[] weightDims, MemorySegment weights, MemorySegment bias, long[] strides,
                  long[] dilates, long[] padBefore, long[] padAfter, List<EltwiseOp> postOps, int sumInput, int sumAt,
                  long[] outputShape) implements InferenceOp {
        enum Kind { CONVOLUTION, DENSE }

        @Override
        public List<Integer> inputs() {
            return sumInput < 0 ? List.of(input) : List.of(input, sumInput);
        }
    }

    /** Max or average pooling. */
    record Pool(int input, Algorithm algorithm, long[] kernel, long[] strides, long[] padBefore, long[] padAfter,
                long[] outputShape) implements InferenceOp {
        @Override
        public List<Integer> inputs() {
            return List.of(input);
        }
    }

    /** Softmax over axis 1: the one activation that cannot be a post-op. */
    record Softmax(int input, long[] outputShape) implements InferenceOp {
        @Override
        public List<Integer> inputs() {
            return List.of(input);
        }
    }

    /** An activation that no op before it could take as post-ops: one eltwise primitive per operation. */
    record Eltwise(int input, List<EltwiseOp> operations, long[] outputShape) implements InferenceOp {
        @Override
        public List<Integer> inputs() {
            return List.of(input);
        }
    }

    /**
     * {@code first} (add or mul) {@code second}, the second broadcast along its dims of size 1 (a per-channel
     * C x 1 x 1 scale), then the post-ops.
     */
    record Binary(Algorithm algorithm, int first, int second, List<EltwiseOp> postOps, long[] outputShape)
            implements InferenceOp {
        @Override
        public List<Integer> inputs() {
            return List.of(first, second);
        }
    }

    /** The inputs joined along the channels. */
    record Concat(List<Integer> inputs, long[] outputShape) implements InferenceOp {}
}
