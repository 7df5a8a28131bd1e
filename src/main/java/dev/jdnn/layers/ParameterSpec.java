package dev.jdnn.layers;

import java.util.Arrays;

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

    public ParameterSpec {
        dims = dims.clone();
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
