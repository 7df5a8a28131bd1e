package dev.jdnn.train;

import java.lang.foreign.Arena;

/**
 * Adam as torch.optim.Adam (no weight decay, no AMSGrad), with bias correction:
 * {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}. State: m, then v.
 *
 * @param learningRate the step size, > 0
 * @param beta1 the first-moment decay, in [0, 1)
 * @param beta2 the second-moment decay, in [0, 1)
 * @param eps the denominator guard, > 0
 */
public record Adam(double learningRate, double beta1, double beta2, double eps) implements Optimizer {
    static final String NAME = "adam";
    /** PyTorch's default first-moment decay. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** PyTorch's default second-moment decay. */
    public static final double DEFAULT_BETA2 = 0.999;
    /** PyTorch's default denominator guard. */
    public static final double DEFAULT_EPS = 1e-8;

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if learningRate or eps is not > 0 or a beta is outside [0, 1)
     */
    public Adam {
        Check.positive(NAME, "learningRate", learningRate);
        Check.decay(NAME, "beta1", beta1);
        Check.decay(NAME, "beta2", beta2);
        Check.positive(NAME, "eps", eps);
    }

    /** Betas ({@value #DEFAULT_BETA1}, {@value #DEFAULT_BETA2}), eps {@value #DEFAULT_EPS}. */
    public Adam(double learningRate) {
        this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS);
    }

    @Override
    public Adam withLearningRate(double learningRate) {
        return new Adam(learningRate, beta1, beta2, eps);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Updater bind(long parameterCount, Arena arena) {
        return new AdamStep(NAME, parameterCount, arena, learningRate, beta1, beta2, eps, 0);
    }
}
