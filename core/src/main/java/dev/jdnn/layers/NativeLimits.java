package dev.jdnn.layers;

import java.util.Arrays;

/**
 * The sizes oneDNN 3.13 accepts but does not handle: past them a primitive's JIT code computes a wrong address and
 * the process dies with SIGSEGV, so layers refuse them in Java when their shapes are checked, before anything
 * native exists (issue 20). How each figure was measured or derived is in RELIABILITY.md, "Size limits".
 * <p>Only batch normalization has such a limit. oneDNN's other CPU kernels that jdnn calls (convolution, pooling,
 * eltwise, softmax, inner product, reorder) check their own sizes and dispatch large ones to implementations with
 * 64-bit offsets; they were run above 2^31 bytes per image without fault.
 */
public final class NativeLimits {
    /**
     * The most bytes one image (one sample) of a batch normalization's input may hold: 2^31 - 1. oneDNN's bnorm_jit
     * kernel, on channels-last data (the layout the convolutions before it may choose), steps from one image to
     * the next with its byte size as a signed 32-bit immediate; 2^31 - 64 bytes runs, 2^31 crashes, at batch 1
     * and above, in training (forward and backward) and inference.
     */
    public static final long BATCH_NORM_IMAGE_BYTES = Integer.MAX_VALUE;

    private NativeLimits() {}

    /**
     * Throws IllegalArgumentException naming the first node of {@code graph} that would get a size oneDNN does not
     * handle. The limits are per image, so one check holds for every batch size and mode.
     */
    public static void requireSupported(Graph graph) {
        for (int i = 0; i < graph.nodes().size(); i++) {
            if (graph.node(i).op() instanceof BatchNorm batchNorm) {
                requireBatchNormImage(batchNorm.name(), graph.inputShapes(i).getFirst());
            }
        }
    }

    /**
     * Throws IllegalArgumentException naming {@code layer}, its per-sample input shape and the limit when one image
     * of a batch normalization's input, {@code perSample} float32 values, holds more than
     * {@link #BATCH_NORM_IMAGE_BYTES} bytes.
     */
    static void requireBatchNormImage(String layer, long[] perSample) {
        long bytes = Float.BYTES;
        for (long d : perSample) bytes = saturatedProduct(bytes, d);
        if (bytes > BATCH_NORM_IMAGE_BYTES) {
            throw new IllegalArgumentException(layer + " gets " + describe(bytes) + " per image (input "
                    + Arrays.toString(perSample) + " float32), more than the " + BATCH_NORM_IMAGE_BYTES
                    + " bytes (2^31 - 1) oneDNN's batch normalization handles per image: use fewer channels or a"
                    + " smaller image");
        }
    }

    private static String describe(long bytes) {
        return bytes == Long.MAX_VALUE ? "more than 2^63 bytes" : bytes + " bytes";
    }

    /** a * b for positive a and b, or Long.MAX_VALUE where the product does not fit. */
    private static long saturatedProduct(long a, long b) {
        return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }
}
