package dev.jdnn.io;

import java.util.Arrays;

/**
 * One row of a model file's tensor table: a float32 tensor of {@code shape} stored little-endian at bytes
 * {@code begin} (inclusive) to {@code end} (exclusive) of the data section.
 */
public record TensorEntry(String name, long[] shape, long begin, long end) {
    public TensorEntry {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of values: the product of the shape (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry t && t.name.equals(name) && Arrays.equals(t.shape, shape)
                && t.begin == begin && t.end == end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + "@" + begin + ".." + end;
    }
}
