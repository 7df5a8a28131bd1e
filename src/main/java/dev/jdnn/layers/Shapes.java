package dev.jdnn.layers;

import java.util.Arrays;

/** Shape checks shared by the layers; each failure names the layer, what it expects and what it got. */
final class Shapes {
    private Shapes() {}

    static void requireRank(String layer, long[] shape, int rank, String expected) {
        if (shape.length != rank) {
            throw new IllegalArgumentException(layer + " expects a per-sample input of shape " + expected + ", got "
                    + Arrays.toString(shape));
        }
    }

    static void requireChannels(String layer, long[] shape, long channels) {
        if (shape[0] != channels) {
            throw new IllegalArgumentException(layer + " expects " + channels + " input channels, got shape "
                    + Arrays.toString(shape));
        }
    }

    /** The per-sample part of a batched tensor's dims. */
    static long[] perSample(long[] batchDims) {
        return Arrays.copyOfRange(batchDims, 1, batchDims.length);
    }

    static long[] withBatch(long batch, long[] perSample) {
        long[] dims = new long[perSample.length + 1];
        dims[0] = batch;
        System.arraycopy(perSample, 0, dims, 1, perSample.length);
        return dims;
    }

    static void requirePositive(String what, long value) {
        if (value <= 0) throw new IllegalArgumentException(what + " must be > 0, got " + value);
    }
}
