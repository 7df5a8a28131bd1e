package dev.jdnn.io;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor to write: {@code values} holds the product of {@code shape} float32 values in native byte order
 * (a parameter's plain-layout storage, for instance); the writer stores them little-endian.
 */
public record NamedTensor(String name, long[] shape, MemorySegment values) {
    /** @throws IllegalArgumentException if the name is empty, a dimension negative or the size not the shape's */
    public NamedTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(values, "values");
        if (name.isEmpty()) throw new IllegalArgumentException("a tensor name must not be empty");
        shape = shape.clone();
        long count = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException(name + ": dimensions must be >= 0, got " + Arrays.toString(shape));
            count = Math.multiplyExact(count, d);
        }
        if (values.byteSize() != Math.multiplyExact(count, (long) Float.BYTES)) {
            throw new IllegalArgumentException(name + Arrays.toString(shape) + " needs " + count * Float.BYTES
                    + " bytes of float32 values, got " + values.byteSize());
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
