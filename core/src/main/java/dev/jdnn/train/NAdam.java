package dev.jdnn.train;

import java.lang.foreign.Arena;

/**
 * NAdam (Dozat's Nesterov Adam with the momentum schedule) exactly as torch.optim.NAdam 1.13 computes it:
 * {@code mu_t = b1 (1 - 0.5 * 0.96^(t psi))}, {@code P_t = mu_1 ... mu_t}, Adam's moments, then
 * {@code p -= lr (1 - mu_t) / (1 - P_t) * g / d + lr mu_(t+1) / (1 - P_t mu_t mu_(t+1)) * m / d} with
 * {@code d = sqrt(v / (1 - b2^t)) + eps}.
 *
 * <p>The second factor's {@code P_t mu_t mu_(t+1)} counts mu_t twice; that is PyTorch 1.13's formula (fixed to
 * {@code P_t mu_(t+1)} in PyTorch 2.0, pytorch/pytorch#92699) and is kept so the trajectories match 1.13. State:
 * m, then v; the product P_t is a function of the step count and is recomputed on {@link Updater#restore}.
 *
 * @param learningRate the step size, > 0
 * @param beta1 the first-moment decay, in [0, 1)
 * @param beta2 the second-moment decay, in [0, 1)
 * @param eps the denominator guard, > 0
 * @param momentumDecay psi, the momentum schedule's decay, >= 0
 */
public record NAdam(double learningRate, double beta1, double beta2, double eps, double momentumDecay)
        implements Optimizer {
    static final String NAME = "nadam";
    /** PyTorch's default first-moment decay. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** PyTorch's default second-moment decay. */
    public static final double DEFAULT_BETA2 = 0.999;
    /** PyTorch's default denominator guard. */
    public static final double DEFAULT_EPS = 1e-8;
    /** PyTorch's default momentum decay psi. */
    public static final double DEFAULT_MOMENTUM_DECAY = 0.004;

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if learningRate or eps is not > 0, a beta is outside [0, 1) or
     *     momentumDecay is negative
     */
    public NAdam {
        Check.positive(NAME, "learningRate", learningRate);
        Check.decay(NAME, "beta1", beta1);
        Check.decay(NAME, "beta2", beta2);
        Check.positive(NAME, "eps", eps);
        Check.nonNegative(NAME, "momentumDecay", momentumDecay);
    }

    /**
     * Betas ({@value #DEFAULT_BETA1}, {@value #DEFAULT_BETA2}), eps {@value #DEFAULT_EPS}, momentum decay
     * {@value #DEFAULT_MOMENTUM_DECAY}.
     */
    public NAdam(double learningRate) {
        this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, DEFAULT_MOMENTUM_DECAY);
    }

    @Override
    public NAdam withLearningRate(double learningRate) {
        return new NAdam(learningRate, beta1, beta2, eps, momentumDecay);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Updater bind(long parameterCount, Arena arena) {
        return new Step(this, parameterCount, arena);
    }

    /** The momentum coefficient mu_t of step t. */
    private double mu(long t) {
        return beta1 * (1 - 0.5 * Math.pow(0.96, t * momentumDecay));
    }

    private static final class Step extends FlatUpdater {
        private final NAdam config;
        private final float b1;
        private final float oneMinusB1;
        private final float b2;
        private final float oneMinusB2;
        private final float eps;
        /** P_t, the product of mu_1 .. mu_t of the steps taken. */
        private double muProduct = 1;
        /** lr (1 - mu_t) / (1 - P_t), the factor of g / d in the current step. */
        private float gradFactor;
        /** lr mu_(t+1) / (1 - P_t mu_t mu_(t+1)), the factor of m / d in the current step. */
        private float momentFactor;
        /** 1 - beta2^t. */
        private float bc2;

        Step(NAdam config, long parameterCount, Arena arena) {
            super(NAME, parameterCount, arena, 2);
            this.config = config;
            this.b1 = (float) config.beta1;
            this.oneMinusB1 = (float) (1 - config.beta1);
            this.b2 = (float) config.beta2;
            this.oneMinusB2 = (float) (1 - config.beta2);
            this.eps = (float) config.eps;
        }

        @Override
        public void restore(long steps) {
            super.restore(steps);
            muProduct = 1;
            for (long t = 1; t <= steps; t++) {
                muProduct *= config.mu(t);
            }
        }

        @Override
        void prepare(long t) {
            double mu = config.mu(t);
            double muNext = config.mu(t + 1);
            muProduct *= mu;
            double muProductNext = muProduct * mu * muNext; // PyTorch 1.13, see the class comment
            gradFactor = (float) (config.learningRate * (1 - mu) / (1 - muProduct));
            momentFactor = (float) (config.learningRate * muNext / (1 - muProductNext));
            bc2 = (float) (1 - Math.pow(config.beta2, t));
        }

        @Override
        void update(int length) {
            float[] p = paramChunk;
            float[] g = gradChunk;
            float[] m = stateChunk[0];
            float[] v = stateChunk[1];
            for (int i = 0; i < length; i++) {
                float gi = g[i];
                float mi = m[i] * b1 + oneMinusB1 * gi;
                float vi = v[i] * b2 + oneMinusB2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                float denom = (float) Math.sqrt(vi / bc2) + eps;
                float pi = p[i] - gradFactor * (gi / denom);
                p[i] = pi - momentFactor * (mi / denom);
            }
        }
    }
}
