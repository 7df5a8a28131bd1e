package dev.jdnn.train;

import java.lang.foreign.Arena;

/**
 * AdaMax as torch.optim.Adamax: {@code m = b1 m + (1 - b1) g; u = max(b2 u, |g| + eps);
 * p -= lr / (1 - b1^t) * m / u}. State: m, then the infinity norm u.
 *
 * @param learningRate the step size, > 0
 * @param beta1 the first-moment decay, in [0, 1)
 * @param beta2 the infinity-norm decay, in [0, 1)
 * @param eps the denominator guard, > 0
 */
public record AdaMax(double learningRate, double beta1, double beta2, double eps) implements Optimizer {
    static final String NAME = "adamax";
    /** PyTorch's default first-moment decay. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** PyTorch's default infinity-norm decay. */
    public static final double DEFAULT_BETA2 = 0.999;
    /** PyTorch's default denominator guard. */
    public static final double DEFAULT_EPS = 1e-8;

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if learningRate or eps is not > 0 or a beta is outside [0, 1)
     */
    public AdaMax {
        Check.positive(NAME, "learningRate", learningRate);
        Check.decay(NAME, "beta1", beta1);
        Check.decay(NAME, "beta2", beta2);
        Check.positive(NAME, "eps", eps);
    }

    /** Betas ({@value #DEFAULT_BETA1}, {@value #DEFAULT_BETA2}), eps {@value #DEFAULT_EPS}. */
    public AdaMax(double learningRate) {
        this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS);
    }

    @Override
    public AdaMax withLearningRate(double learningRate) {
        return new AdaMax(learningRate, beta1, beta2, eps);
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
        private final double lr;
        private final double beta1;
        private final float b1;
        private final float oneMinusB1;
        private final float b2;
        private final float eps;
        /** lr / (1 - beta1^t), the bias-corrected step of the current step. */
        private float clr;

        Step(AdaMax config, long parameterCount, Arena arena) {
            super(NAME, parameterCount, arena, 2);
            this.lr = config.learningRate;
            this.beta1 = config.beta1;
            this.b1 = (float) config.beta1;
            this.oneMinusB1 = (float) (1 - config.beta1);
            this.b2 = (float) config.beta2;
            this.eps = (float) config.eps;
        }

        @Override
        void prepare(long t) {
            clr = (float) (lr / (1 - Math.pow(beta1, t)));
        }

        @Override
        void update(int length) {
            float[] p = paramChunk;
            float[] g = gradChunk;
            float[] m = stateChunk[0];
            float[] u = stateChunk[1];
            for (int i = 0; i < length; i++) {
                float gi = g[i];
                float mi = m[i] * b1 + oneMinusB1 * gi;
                float ui = Math.max(u[i] * b2, Math.abs(gi) + eps);
                m[i] = mi;
                u[i] = ui;
                p[i] -= clr * (mi / ui);
            }
        }
    }
}
