package dev.jdnn.train;

/**
 * One epoch's figures: mean training loss (with the L2 penalty), validation loss and accuracy (NaN when
 * there is no validation set), wall time and training throughput.
 */
public record EpochStats(int epoch, double trainLoss, double validLoss, double validAccuracy, double seconds,
                         double imagesPerSecond) {
    @Override
    public String toString() {
        return String.format("epoch %3d  train loss %.4f  valid loss %.4f  valid acc %.4f  %.1f s  %.0f img/s",
                epoch, trainLoss, validLoss, validAccuracy, seconds, imagesPerSecond);
    }
}
