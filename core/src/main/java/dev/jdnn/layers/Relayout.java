package dev.jdnn.layers;

import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.Stream;
import dev.jdnn.tensor.Tensor;
import java.util.Arrays;

/**
 * A tensor brought into a required layout: the source itself when it already has it (no copy ever),
 * else a buffer of its own refreshed by a reorder on each {@link #run}. The element-wise layers use it
 * to accept a gradient in any layout while computing in the layout of their input.
 */
record Relayout(Tensor tensor, Step reorder) {
    /** {@code source} seen in {@code desc}; its dims must be {@code desc}'s, else the message names {@code layer}. */
    static Relayout of(PlanContext context, String layer, String what, Tensor source, MemoryDesc desc) {
        requireDims(layer, what, source, desc);
        Tensor target = Step.inLayout(context, source, desc);
        return new Relayout(target, Step.reorder(context, source, target));
    }

    /** Throws IllegalArgumentException naming {@code layer} unless {@code source} has the dims of {@code desc}. */
    static void requireDims(String layer, String what, Tensor source, MemoryDesc desc) {
        long[] expected = desc.dims();
        if (!Arrays.equals(expected, source.dims())) {
            throw new IllegalArgumentException(layer + ": " + what + " must have dims " + Arrays.toString(expected)
                    + ", got " + Arrays.toString(source.dims()));
        }
    }

    void run(Stream stream) {
        if (reorder != null) reorder.run(stream);
    }
}
