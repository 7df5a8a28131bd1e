package dev.jdnn.train;

import java.lang.foreign.Arena;

/**
 * SGD with heavy-ball momentum in PyTorch's form (torch.optim.SGD with momentum, no dampening, no Nesterov):
 * {@code v = momentum * v + g; p -= lr * v}. State: the velocity v.
 *
 * @param learningRate the step size, > 0
 * @param momentum the velocity decay, in [0, 1)
 */
public record Momentum(double learningRate, double momentum) implements Optimizer {
    static final String NAME = "momentum";
    /** The seed's default momentum. */
    public static final double DEFAULT_MOMENTUM = 0.9;

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if learningRate is not > 0 or momentum is outside [0, 1)
     */
    public Momentum {
        Check.positive(NAME, "learningRate", learningRate);
        Check.decay(NAME, "momentum", momentum);
    }

    /** Momentum {@value #DEFAULT_MOMENTUM}. */
    public Momentum(double learningRate) {
        this(learningRate, DEFAULT_MOMENTUM);
    }

    @Override
    public Momentum withLearningRate(double learningRate) {
        return new Momentum(learningRate, momentum);
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
        private final float mu;

        Step(Momentum config, long parameterCount, Arena arena) {
            super(NAME, parameterCount, arena, 1);
            this.lr = (float) config.learningRate;
            this.mu = (float) config.momentum;
        }

        @Override
        void update(int length) {
            float[] p = paramChunk;
            float[] g = gradChunk;
            float[] v = stateChunk[0];
            for (int i = 0; i < length; i++) {
                // PyTorch starts the buffer at g, which is what mu * 0 + g gives on the first step.
                float vi = v[i] * mu + g[i];
                v[i] = vi;
                p[i] -= lr * vi;
            }
        }
    }
}
