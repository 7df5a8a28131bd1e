package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Joins a training run to other runs of the same network on other data, for data-parallel training: the training loop
 * hands it the run's state at fixed points and it replaces that state, in place, by the state the runs agree on (for
 * parameter averaging, the mean over the runs).
 * <p>The loop calls {@link #synchronize} after every {@link #interval()}-th optimizer step of the run (counted as
 * {@link Updater#steps()}, so a resumed run keeps the schedule) and at the end of every epoch, before validation, so
 * that the runs validate, stop early and checkpoint the same weights (not twice when an epoch's last step was one of
 * the interval's). Every run must therefore take the same number of steps per epoch.
 */
public interface ParameterSync {
    /** Optimizer steps between two synchronizations within an epoch; 0 synchronizes at the ends of epochs only. */
    long interval();

    /**
     * Agrees the run's state with the other runs'. {@code state} holds, in this order, the trainable parameters, the
     * running statistics (batch norm) and the optimizer's state buffers, each a segment of native-order floats in plain
     * layout, identical in size and order on every run of the network; the call overwrites them with the agreed values.
     */
    void synchronize(List<MemorySegment> state);
}
