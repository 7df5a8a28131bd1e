package dev.jdnn.train;

/**
 * Training produced a value that is not finite: a mini-batch's loss (checked after every step) or a weight (checked
 * at the end of every epoch, before validation and the epoch's checkpoint). The message names the epoch and the
 * batch or weight; the network keeps the weights of the step that diverged, and the epoch's checkpoint is not
 * written, so the last checkpoint holds finite weights. A lower learning rate, standardized data or another
 * initializer usually helps.
 */
public final class TrainingDivergedException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    TrainingDivergedException(String message) {
        super(message);
    }
}
