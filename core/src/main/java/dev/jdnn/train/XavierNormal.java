package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.util.random.RandomGenerator;

/** Glorot and Bengio (2010): N(0, 2 / (fanIn + fanOut)), as PyTorch's xavier_normal_ with gain 1. */
public record XavierNormal() implements Initializer {
    static final String NAME = "xavier-normal";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void fill(MemorySegment weights, long count, long fanIn, long fanOut, RandomGenerator rng) {
        Sampling.check(NAME, weights, count, fanIn, fanOut, rng);
        Sampling.normal(weights, count, Math.sqrt(2.0 / (fanIn + fanOut)), rng);
    }
}
