package dev.jdnn.train;

import java.lang.foreign.Arena;

/**
 * AdaGrad as torch.optim.Adagrad (no learning-rate decay, accumulator starting at 0):
 * {@code s += g^2; p -= lr * g / (sqrt(s) + eps)}. State: the sum of squares s.
 *
 * @param learningRate the step size, > 0
 * @param eps the denominator guard, > 0
 */
public record AdaGrad(double learningRate, double eps) implements Optimizer {
    static final String NAME = "adagrad";
    /** PyTorch's default denominator guard. */
    public static final double DEFAULT_EPS = 1e-10;

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if learningRate or eps is not > 0
     */
    public AdaGrad {
        Check.positive(NAME, "learningRate", learningRate);
        Check.positive(NAME, "eps", eps);
    }

    /** Eps {@value #DEFAULT_EPS}. */
    public AdaGrad(double learningRate) {
        this(learningRate, DEFAULT_EPS);
    }

    @Override
    public AdaGrad withLearningRate(double learningRate) {
        return new AdaGrad(learningRate, eps);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Updater bind(long parameterCount, Arena arena) {
        return new Step(this, parameterCount, arena);
    }

    private static final class Step extends FlatUpdater {
        private final float lr;
        private final float eps;

        Step(AdaGrad config, long parameterCount, Arena arena) {
            super(NAME, parameterCount, arena, 1);
            this.lr = (float) config.learningRate;
            this.eps = (float) config.eps;
        }

        @Override
        void update(int length) {
            float[] p = paramChunk;
            float[] g = gradChunk;
            float[] s = stateChunk[0];
            for (int i = 0; i < length; i++) {
                float gi = g[i];
                float si = s[i] + gi * gi;
                s[i] = si;
                float std = (float) Math.sqrt(si) + eps;
                p[i] -= lr * (gi / std);
            }
        }
    }
}
