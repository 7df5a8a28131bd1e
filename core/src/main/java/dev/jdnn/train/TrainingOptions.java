package dev.jdnn.train;

/**
 * How a training run proceeds (the loop's part of the seed's parameters).
 *
 * @param progress  show a progress bar per epoch on a terminal, or one line per epoch otherwise
 * @param verbose   also print the loss of every mini-batch (the seed's per-batch log)
 */
public record TrainingOptions(int batchSize, int epochs, double lambda, boolean earlyStopping, int patience,
                              boolean shuffle, boolean progress, boolean verbose) {
    public TrainingOptions {
        if (batchSize <= 0) throw new IllegalArgumentException("batch_size must be > 0, got " + batchSize);
        if (epochs <= 0) throw new IllegalArgumentException("n_epochs must be > 0, got " + epochs);
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda_ must be >= 0 and finite, got " + lambda);
        }
        if (patience <= 0) throw new IllegalArgumentException("patience must be > 0, got " + patience);
    }
}
