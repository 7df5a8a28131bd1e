package dev.jdnn.train;

import java.lang.foreign.Arena;

/**
 * RMSprop as torch.optim.RMSprop (not centred, no momentum): {@code s = alpha * s + (1 - alpha) * g^2;
 * p -= lr * g / (sqrt(s) + eps)}. State: the square average s.
 *
 * @param learningRate the step size, > 0
 * @param alpha the square-average decay, in [0, 1)
 * @param eps the denominator guard, > 0
 */
public record RmsProp(double learningRate, double alpha, double eps) implements Optimizer {
    static final String NAME = "rmsprop";
    /** PyTorch's default square-average decay. */
    public static final double DEFAULT_ALPHA = 0.99;
    /** PyTorch's default denominator guard. */
    public static final double DEFAULT_EPS = 1e-8;

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if learningRate or eps is not > 0 or alpha is outside [0, 1)
     */
    public RmsProp {
        Check.positive(NAME, "learningRate", learningRate);
        Check.decay(NAME, "alpha", alpha);
        Check.positive(NAME, "eps", eps);
    }

    /** Alpha {@value #DEFAULT_ALPHA}, eps {@value #DEFAULT_EPS}. */
    public RmsProp(double learningRate) {
        this(learningRate, DEFAULT_ALPHA, DEFAULT_EPS);
    }

    @Override
    public RmsProp withLearningRate(double learningRate) {
        return new RmsProp(learningRate, alpha, eps);
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
        private final float alpha;
        private final float oneMinusAlpha;
        private final float eps;

        Step(RmsProp config, long parameterCount, Arena arena) {
            super(NAME, parameterCount, arena, 1);
            this.lr = (float) config.learningRate;
            this.alpha = (float) config.alpha;
            this.oneMinusAlpha = (float) (1 - config.alpha);
            this.eps = (float) config.eps;
        }

        @Override
        void update(int length) {
            float[] p = paramChunk;
            float[] g = gradChunk;
            float[] s = stateChunk[0];
            for (int i = 0; i < length; i++) {
                float gi = g[i];
                float si = s[i] * alpha + oneMinusAlpha * gi * gi;
                s[i] = si;
                float avg = (float) Math.sqrt(si) + eps;
                p[i] -= lr * (gi / avg);
            }
        }
    }
}
