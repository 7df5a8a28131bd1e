package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a training run stands after a whole epoch, besides the weights and the optimizer's state (which the caller
 * owns and saves): what {@link Trainer#fit(dev.jdnn.data.Dataset, dev.jdnn.data.Dataset, TrainingState, EpochListener)}
 * needs to continue the run so that it ends bit-identically to one that was never interrupted. The shuffle
 * generator's state is not part of it: a resumed run replays the finished epochs' shuffles.
 *
 * @param epochs       the finished epochs' figures, in order
 * @param dropoutSteps per training batch size, the step counters of that plan's dropout layers in network order
 * @param bestValues   early stopping's copy of the best epoch's trainable values (the whole flat block), or null
 * @param bestState    early stopping's copy of the best epoch's running statistics, or null
 */
public record TrainingState(List<EpochStats> epochs, Map<Integer, List<Long>> dropoutSteps, MemorySegment bestValues,
                            MemorySegment bestState) {
    /** @throws IllegalArgumentException if only one of the best-epoch copies is given */
    public TrainingState {
        epochs = List.copyOf(epochs);
        dropoutSteps = Collections.unmodifiableSortedMap(new TreeMap<>(dropoutSteps));
        if ((bestValues == null) != (bestState == null)) {
            throw new IllegalArgumentException("bestValues and bestState must be given together");
        }
    }
}
