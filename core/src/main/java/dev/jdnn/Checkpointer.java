package dev.jdnn;

import dev.jdnn.train.EpochListener;
import dev.jdnn.train.History;
import dev.jdnn.train.TrainingState;
import dev.jdnn.train.Updater;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Writes a checkpoint after every epoch: {@code last.jdnn} always, {@code best.jdnn} when the epoch has the lowest
 * validation loss so far. Each is written atomically, so a run killed at any moment leaves complete files.
 */
final class Checkpointer implements EpochListener {
    private final Path folder;
    private final SimpleCNN model;
    private final Updater updater;
    private final DataFingerprint data;

    Checkpointer(Path folder, SimpleCNN model, Updater updater, DataFingerprint data) {
        this.folder = folder;
        this.model = model;
        this.updater = updater;
        this.data = data;
    }

    @Override
    public void epochEnded(History history, TrainingState state) {
        try {
            if (history.bestEpoch() == history.last().epoch()) {
                ModelFiles.saveCheckpoint(folder.resolve(SimpleCNN.BEST_CHECKPOINT), model, history, state, updater, data);
            }
            ModelFiles.saveCheckpoint(folder.resolve(SimpleCNN.LAST_CHECKPOINT), model, history, state, updater, data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint into " + folder + ": " + e.getMessage(), e);
        }
    }
}
