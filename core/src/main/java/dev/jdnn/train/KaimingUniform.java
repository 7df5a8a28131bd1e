package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.util.random.RandomGenerator;

/**
 * He et al. (2015) for ReLU networks, uniform: U(-b, b) with b = sqrt(6 / fanIn), as PyTorch's kaiming_uniform_ with
 * mode fan_in and ReLU's gain sqrt(2).
 */
public record KaimingUniform() implements Initializer {
    static final String NAME = "kaiming-uniform";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void fill(MemorySegment weights, long count, long fanIn, long fanOut, RandomGenerator rng) {
        Sampling.check(NAME, weights, count, fanIn, fanOut, rng);
        Sampling.uniform(weights, count, Math.sqrt(6.0 / fanIn), rng);
    }
}
