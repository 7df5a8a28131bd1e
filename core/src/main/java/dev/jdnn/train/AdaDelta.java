package dev.jdnn.train;

import java.lang.foreign.Arena;

/**
 * AdaDelta as torch.optim.Adadelta: {@code s = rho s + (1 - rho) g^2; d = sqrt(u + eps) / sqrt(s + eps) * g;
 * u = rho u + (1 - rho) d^2; p -= lr * d}. PyTorch's learning rate multiplies the delta (its default is 1.0; here
 * the caller always chooses it). State: the square average s, then the delta accumulator u.
 *
 * @param learningRate the step size, > 0
 * @param rho the decay of both running averages, in [0, 1)
 * @param eps the denominator guard, > 0
 */
public record AdaDelta(double learningRate, double rho, double eps) implements Optimizer {
    static final String NAME = "adadelta";
    /** PyTorch's default decay of both running averages. */
    public static final double DEFAULT_RHO = 0.9;
    /** PyTorch's default guard inside both square roots. */
    public static final double DEFAULT_EPS = 1e-6;

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if learningRate or eps is not > 0 or rho is outside [0, 1)
     */
    public AdaDelta {
        Check.positive(NAME, "learningRate", learningRate);
        Check.decay(NAME, "rho", rho);
        Check.positive(NAME, "eps", eps);
    }

    /** Rho {@value #DEFAULT_RHO}, eps {@value #DEFAULT_EPS}. */
    public AdaDelta(double learningRate) {
        this(learningRate, DEFAULT_RHO, DEFAULT_EPS);
    }

    @Override
    public AdaDelta withLearningRate(double learningRate) {
        return new AdaDelta(learningRate, rho, eps);
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
        private final float rho;
        private final float oneMinusRho;
        private final float eps;

        Step(AdaDelta config, long parameterCount, Arena arena) {
            super(NAME, parameterCount, arena, 2);
            this.lr = (float) config.learningRate;
            this.rho = (float) config.rho;
            this.oneMinusRho = (float) (1 - config.rho);
            this.eps = (float) config.eps;
        }

        @Override
        void update(int length) {
            float[] p = paramChunk;
            float[] g = gradChunk;
            float[] s = stateChunk[0];
            float[] u = stateChunk[1];
            for (int i = 0; i < length; i++) {
                float gi = g[i];
                float si = s[i] * rho + oneMinusRho * gi * gi;
                s[i] = si;
                float std = (float) Math.sqrt(si + eps);
                float ui = u[i];
                float delta = (float) Math.sqrt(ui + eps) / std * gi;
                u[i] = ui * rho + oneMinusRho * delta * delta;
                p[i] -= lr * delta;
            }
        }
    }
}
