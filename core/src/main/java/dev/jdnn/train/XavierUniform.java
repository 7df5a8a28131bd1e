package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.util.random.RandomGenerator;

/**
 * Glorot and Bengio (2010), uniform: U(-b, b) with b = sqrt(6 / (fanIn + fanOut)), as PyTorch's xavier_uniform_ with
 * gain 1.
 */
public record XavierUniform() implements Initializer {
    static final String NAME = "xavier-uniform";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void fill(MemorySegment weights, long count, long fanIn, long fanOut, RandomGenerator rng) {
        Sampling.check(NAME, weights, count, fanIn, fanOut, rng);
        Sampling.uniform(weights, count, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
    }
}
