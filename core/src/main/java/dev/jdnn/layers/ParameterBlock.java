package dev.jdnn.layers;

import dev.jdnn.runtime.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Flat parameter storage: every trainable tensor is a slice of one {@link #values()} segment, mirrored by
 * one {@link #grads()} segment, so an optimizer step is a single loop; running statistics live in a
 * separate {@link #state()} segment the optimizer never sees. Each slice is 64-byte aligned.
 */
public final class ParameterBlock {
    private static final long ALIGN_FLOATS = Memory.ALIGNMENT / Float.BYTES;

    private final List<Parameter> parameters;
    private final MemorySegment values;
    private final MemorySegment grads;
    private final MemorySegment state;
    private final List<long[]> regularized = new ArrayList<>();
    private final long trainableFloats;

    public ParameterBlock(List<ParameterSpec> specs, Arena owner) {
        long trainable = 0;
        long other = 0;
        for (ParameterSpec spec : specs) {
            if (spec.kind().trainable()) trainable += padded(spec.elementCount());
            else other += padded(spec.elementCount());
        }
        values = owner.allocate(Math.max(trainable, 1) * Float.BYTES, Memory.ALIGNMENT);
        grads = owner.allocate(Math.max(trainable, 1) * Float.BYTES, Memory.ALIGNMENT);
        state = owner.allocate(Math.max(other, 1) * Float.BYTES, Memory.ALIGNMENT);
        List<Parameter> bound = new ArrayList<>();
        long t = 0;
        long s = 0;
        for (ParameterSpec spec : specs) {
            long bytes = spec.elementCount() * Float.BYTES;
            if (spec.kind().trainable()) {
                bound.add(new Parameter(spec, values.asSlice(t * Float.BYTES, bytes), grads.asSlice(t * Float.BYTES, bytes)));
                if (spec.kind().regularized()) regularized.add(new long[] {t, spec.elementCount()});
                t += padded(spec.elementCount());
            } else {
                bound.add(new Parameter(spec, state.asSlice(s * Float.BYTES, bytes), MemorySegment.NULL));
                s += padded(spec.elementCount());
            }
        }
        parameters = List.copyOf(bound);
        trainableFloats = t;
    }

    private static long padded(long floats) {
        return (floats + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
    }

    /** The parameters in the order of the specs the block was built from. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** All trainable values (with zero padding between tensors, which optimizers keep at zero). */
    public MemorySegment values() {
        return values;
    }

    public MemorySegment grads() {
        return grads;
    }

    public MemorySegment state() {
        return state;
    }

    /** Floats in {@link #values()} and {@link #grads()}, padding included. */
    public long trainableFloats() {
        return trainableFloats;
    }

    /**
     * Adds the L2 term's gradient, lambda * w, to the gradients of the weights (not biases, not
     * batch-norm parameters), and returns the penalty lambda / 2 * sum(w^2) for the loss.
     */
    public double addL2(double lambda) {
        if (lambda == 0) return 0;
        float l = (float) lambda;
        double sum = 0;
        for (long[] range : regularized) {
            for (long i = range[0], end = range[0] + range[1]; i < end; i++) {
                float w = values.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                grads.setAtIndex(ValueLayout.JAVA_FLOAT, i, grads.getAtIndex(ValueLayout.JAVA_FLOAT, i) + l * w);
                sum += (double) w * w;
            }
        }
        return 0.5 * lambda * sum;
    }
}
