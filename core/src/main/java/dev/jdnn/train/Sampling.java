package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.random.RandomGenerator;

/** The two fills the initializers are made of, with the argument checks they share. */
final class Sampling {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    private Sampling() {}

    /** Checks the arguments of {@link Initializer#fill}. */
    static void check(String owner, MemorySegment weights, long count, long fanIn, long fanOut, RandomGenerator rng) {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(rng, "rng");
        if (count < 0) {
            throw new IllegalArgumentException(owner + ": count must be >= 0, got " + count);
        }
        if (fanIn <= 0) {
            throw new IllegalArgumentException(owner + ": fanIn must be > 0, got " + fanIn);
        }
        if (fanOut <= 0) {
            throw new IllegalArgumentException(owner + ": fanOut must be > 0, got " + fanOut);
        }
        if (weights.byteSize() / Float.BYTES < count) {
            throw new IllegalArgumentException(owner + ": weights holds " + weights.byteSize()
                    + " bytes, needs at least " + count * Float.BYTES + " (" + count + " float32 values)");
        }
    }

    /** N(0, std^2) samples. */
    static void normal(MemorySegment weights, long count, double std, RandomGenerator rng) {
        for (long i = 0; i < count; i++) {
            weights.setAtIndex(FLOAT, i, (float) (std * rng.nextGaussian()));
        }
    }

    /** U(-bound, bound) samples; in float32 they lie within [-(float) bound, (float) bound]. */
    static void uniform(MemorySegment weights, long count, double bound, RandomGenerator rng) {
        for (long i = 0; i < count; i++) {
            weights.setAtIndex(FLOAT, i, (float) rng.nextDouble(-bound, bound));
        }
    }
}
