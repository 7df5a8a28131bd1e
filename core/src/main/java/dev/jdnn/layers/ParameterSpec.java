package dev.jdnn.layers;

import dev.jdnn.runtime.MemoryDesc;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named parameter tensor a layer needs, in the plain layout of its dims (oihw, oi, or x).
 * {@code kind} says how training treats it: weights are L2-regularized, biases and batch-norm scale/shift
 * are trained but not regularized, running statistics are state that the optimizer never touches.
 */
public record ParameterSpec(String name, Kind kind, long[] dims) {
    public enum Kind {
        WEIGHT(true, true),
        BIAS(true, false),
        SCALE(true, false),
        SHIFT(true, false),
        RUNNING_MEAN(false, false),
        RUNNING_VARIANCE(false, false);

        private final boolean trainable;
        private final boolean regularized;

        Kind(boolean trainable, boolean regularized) {
            this.trainable = trainable;
            this.regularized = regularized;
        }

        public boolean trainable() {
            return trainable;
        }

        /** True for the tensors lambda (L2) applies to. */
        public boolean regularized() {
            return regularized;
        }
    }

    /**
     * @throws IllegalArgumentException if a dim is not positive, or the tensor would hold more than
     *     {@link MemoryDesc#MAX_BYTES} bytes (a count that overflowed would size the storage wrongly)
     */
    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        dims = Objects.requireNonNull(dims, "dims").clone();
        long floats = 1;
        for (long d : dims) {
            if (d <= 0) throw new IllegalArgumentException(name + Arrays.toString(dims) + " must have positive dims");
            if (floats > MemoryDesc.MAX_BYTES / Float.BYTES / d) {
                throw new IllegalArgumentException(name + Arrays.toString(dims)
                        + " holds more than 2^48 bytes of floats (MemoryDesc.MAX_BYTES)");
            }
            floats *= d;
        }
    }

    public long elementCount() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterSpec p && p.name.equals(name) && p.kind == kind && Arrays.equals(p.dims, dims);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(dims);
    }
}
