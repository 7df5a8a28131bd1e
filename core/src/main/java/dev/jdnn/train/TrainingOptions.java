package dev.jdnn.train;

/**
 * How a training run proceeds (the loop's part of the seed's parameters).
 *
 * @param progress  show a progress bar per epoch on a terminal, or one line per epoch otherwise
 * @param verbose   also print the loss of every mini-batch (the seed's per-batch log)
 */
public record TrainingOptions(int batchSize, int epochs, double lambda, boolean earlyStopping, int patience,
                              boolean shuffle, boolean progress, boolean verbose) {
    /**
     * Checks the ranges, the only place that does for these four (named as in the seed).
     *
     * @throws OutOfRangeException unless batch_size, n_epochs and patience are &gt; 0 and lambda_, rounded to
     *         float32 (the L2 term is added in float32), is from 0 to {@link Float#MAX_VALUE}
     */
    public TrainingOptions {
        if (batchSize <= 0) throw new OutOfRangeException("batch_size", batchSize, "> 0");
        if (epochs <= 0) throw new OutOfRangeException("n_epochs", epochs, "> 0");
        Check.nonNegative(null, "lambda_", lambda);
        if (patience <= 0) throw new OutOfRangeException("patience", patience, "> 0");
    }
}
