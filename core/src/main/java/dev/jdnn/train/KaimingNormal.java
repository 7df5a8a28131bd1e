package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.util.random.RandomGenerator;

/**
 * He et al. (2015) for ReLU networks: N(0, 2 / fanIn), as PyTorch's kaiming_normal_ with mode fan_in and ReLU's gain
 * sqrt(2).
 */
public record KaimingNormal() implements Initializer {
    static final String NAME = "kaiming-normal";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void fill(MemorySegment weights, long count, long fanIn, long fanOut, RandomGenerator rng) {
        Sampling.check(NAME, weights, count, fanIn, fanOut, rng);
        Sampling.normal(weights, count, Math.sqrt(2.0 / fanIn), rng);
    }
}
