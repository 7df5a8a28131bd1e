package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** The argument checks every loss shares, with messages naming the loss and what is wrong. */
final class LossArguments {
    private LossArguments() {}

    /** Checks batch, width and the segments; returns the number of elements, batch * width. */
    static long elements(String loss, MemorySegment output, MemorySegment target, int batch, int width,
                         MemorySegment gradOutput) {
        long elements = shape(loss, batch, width);
        requireFloats(loss, "output", output, elements);
        requireFloats(loss, "target", target, elements);
        if (gradOutput != null) {
            requireFloats(loss, "gradOutput", gradOutput, elements);
        }
        return elements;
    }

    /** Checks batch and width; returns batch * width. */
    static long shape(String loss, int batch, int width) {
        if (batch <= 0) {
            throw new IllegalArgumentException(loss + ": batch must be > 0, got " + batch);
        }
        if (width <= 0) {
            throw new IllegalArgumentException(loss + ": width must be > 0, got " + width);
        }
        return (long) batch * width;
    }

    static void requireFloats(String loss, String what, MemorySegment segment, long elements) {
        Objects.requireNonNull(segment, what);
        if (segment.byteSize() < elements * Float.BYTES) {
            throw new IllegalArgumentException(loss + ": " + what + " holds " + segment.byteSize()
                    + " bytes, needs at least " + elements * Float.BYTES + " (" + elements + " float32 values)");
        }
    }
}
