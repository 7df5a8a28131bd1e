package dev.jdnn.layers;

import java.util.Arrays;
import java.util.List;

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

    /**
     * Throws IllegalArgumentException naming {@code layer} unless {@code parameters} have the kinds and dims of the
     * parameters it needs for {@code inputShape}, in order: plans size their memories from them.
     */
    static void requireParameters(Layer layer, long[] inputShape, List<Parameter> parameters) {
        List<ParameterSpec> needed = layer.parameters(inputShape);
        boolean fits = parameters.size() == needed.size();
        for (int i = 0; fits && i < needed.size(); i++) {
            ParameterSpec given = parameters.get(i).spec();
            fits = given.kind() == needed.get(i).kind() && Arrays.equals(given.dims(), needed.get(i).dims());
        }
        if (!fits) {
            throw new IllegalArgumentException(layer.name() + " needs the parameters " + needed + ", got "
                    + parameters.stream().map(Parameter::spec).toList());
        }
    }

    static void requirePositive(String what, long value) {
        if (value <= 0) throw new IllegalArgumentException(what + " must be > 0, got " + value);
    }
}
