package dev.jdnn.train;

import java.util.ArrayList;
import java.util.List;

/** The per-epoch record of a training run, and how it ended. */
public final class History {
    private final List<EpochStats> epochs = new ArrayList<>();
    private int bestEpoch = -1;
    private boolean stoppedEarly;

    /**
     * A history recorded earlier, e.g. read from a model file.
     *
     * @param bestEpoch the epoch with the lowest validation loss, or -1
     * @throws IllegalArgumentException if bestEpoch is not -1 nor one of the epochs
     */
    public static History of(List<EpochStats> epochs, int bestEpoch, boolean stoppedEarly) {
        History history = new History();
        history.epochs.addAll(epochs);
        if (bestEpoch != -1 && epochs.stream().noneMatch(e -> e.epoch() == bestEpoch)) {
            throw new IllegalArgumentException("best epoch " + bestEpoch + " is not one of the " + epochs.size() + " epochs");
        }
        history.bestEpoch = bestEpoch;
        history.stoppedEarly = stoppedEarly;
        return history;
    }

    void add(EpochStats stats, boolean best) {
        epochs.add(stats);
        if (best) bestEpoch = stats.epoch();
    }

    void stopEarly() {
        stoppedEarly = true;
    }

    public List<EpochStats> epochs() {
        return List.copyOf(epochs);
    }

    /** The epoch (1-based) with the lowest validation loss, or -1 if none was measured. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public double bestValidLoss() {
        return epochs.stream().mapToDouble(EpochStats::validLoss).filter(d -> !Double.isNaN(d)).min().orElse(Double.NaN);
    }

    /** True when early stopping ended the run (and the best epoch's weights were restored). */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    public int epochsRun() {
        return epochs.size();
    }

    public EpochStats last() {
        return epochs.getLast();
    }
}
