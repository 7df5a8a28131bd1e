package dev.jdnn.train;

import java.lang.foreign.Arena;

/**
 * AdamW as torch.optim.AdamW: Adam with decoupled weight decay, {@code p *= 1 - lr * weightDecay} before the Adam
 * update (Loshchilov and Hutter). The decay applies to every parameter of the block. State: m, then v.
 *
 * @param learningRate the step size, > 0
 * @param beta1 the first-moment decay, in [0, 1)
 * @param beta2 the second-moment decay, in [0, 1)
 * @param eps the denominator guard, > 0
 * @param weightDecay the decoupled weight decay, >= 0
 */
public record AdamW(double learningRate, double beta1, double beta2, double eps, double weightDecay)
        implements Optimizer {
    static final String NAME = "adamw";
    /** PyTorch's default first-moment decay. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** PyTorch's default second-moment decay. */
    public static final double DEFAULT_BETA2 = 0.999;
    /** PyTorch's default denominator guard. */
    public static final double DEFAULT_EPS = 1e-8;
    /** PyTorch's default decoupled weight decay. */
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if learningRate or eps is not > 0, a beta is outside [0, 1) or weightDecay
     *     is negative
     */
    public AdamW {
        Check.positive(NAME, "learningRate", learningRate);
        Check.decay(NAME, "beta1", beta1);
        Check.decay(NAME, "beta2", beta2);
        Check.positive(NAME, "eps", eps);
        Check.nonNegative(NAME, "weightDecay", weightDecay);
    }

    /**
     * Betas ({@value #DEFAULT_BETA1}, {@value #DEFAULT_BETA2}), eps {@value #DEFAULT_EPS}, weight decay
     * {@value #DEFAULT_WEIGHT_DECAY}.
     */
    public AdamW(double learningRate) {
        this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, DEFAULT_WEIGHT_DECAY);
    }

    @Override
    public AdamW withLearningRate(double learningRate) {
        return new AdamW(learningRate, beta1, beta2, eps, weightDecay);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Updater bind(long parameterCount, Arena arena) {
        return new AdamStep(NAME, parameterCount, arena, learningRate, beta1, beta2, eps, weightDecay);
    }
}
