package dev.jdnn.train;

/**
 * Tracks the best validation loss and says when {@code patience} epochs in a row brought no improvement.
 * An improvement is any strictly lower loss.
 */
public final class EarlyStopping {
    private final int patience;
    private double best = Double.POSITIVE_INFINITY;
    private int sinceBest;

    public EarlyStopping(int patience) {
        if (patience <= 0) throw new IllegalArgumentException("patience must be > 0, got " + patience);
        this.patience = patience;
    }

    /** Records one epoch's validation loss; returns true if it is the best so far. */
    public boolean record(double validLoss) {
        if (validLoss < best) {
            best = validLoss;
            sinceBest = 0;
            return true;
        }
        sinceBest++;
        return false;
    }

    /** True once {@code patience} epochs have passed without improvement. */
    public boolean shouldStop() {
        return sinceBest >= patience;
    }

    public double best() {
        return best;
    }
}
