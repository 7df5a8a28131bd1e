package dev.jdnn.train;

import java.lang.foreign.Arena;

/**
 * Plain stochastic gradient descent, {@code p -= lr * g} (torch.optim.SGD without momentum). No state.
 *
 * @param learningRate the step size, > 0
 */
public record Sgd(double learningRate) implements Optimizer {
    static final String NAME = "sgd";

    /**
     * Validates the hyper-parameters.
     *
     * @throws IllegalArgumentException if learningRate is not a finite number > 0
     */
    public Sgd {
        Check.positive(NAME, "learningRate", learningRate);
    }

    @Override
    public Sgd withLearningRate(double learningRate) {
        return new Sgd(learningRate);
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

        Step(Sgd config, long parameterCount, Arena arena) {
            super(NAME, parameterCount, arena, 0);
            this.lr = (float) config.learningRate;
        }

        @Override
        void update(int length) {
            float[] p = paramChunk;
            float[] g = gradChunk;
            for (int i = 0; i < length; i++) {
                p[i] -= lr * g[i];
            }
        }
    }
}
