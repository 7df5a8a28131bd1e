package dev.jdnn.train;

/** Called by the {@link Trainer} after every epoch, e.g. to write a checkpoint. */
@FunctionalInterface
public interface EpochListener {
    /**
     * @param history the run so far; {@link History#last()} is the epoch that just ended
     * @param state   what, with the weights and the optimizer's state, resumes the run after this epoch
     */
    void epochEnded(History history, TrainingState state);
}
