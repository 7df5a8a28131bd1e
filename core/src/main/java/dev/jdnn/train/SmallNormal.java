package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.util.random.RandomGenerator;

/** The seed's default (initializer None): 0.01 times standard normal samples, whatever the fans. */
public record SmallNormal() implements Initializer {
    static final String NAME = "none";
    /** The seed's scale of the standard normal samples. */
    public static final double STD = 0.01;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void fill(MemorySegment weights, long count, long fanIn, long fanOut, RandomGenerator rng) {
        Sampling.check(NAME, weights, count, fanIn, fanOut, rng);
        Sampling.normal(weights, count, STD, rng);
    }
}
