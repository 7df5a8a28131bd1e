package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.train.EpochStats;
import dev.jdnn.train.History;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints: a run killed after epoch 2 of 4 and resumed from its checkpoint ends with the same parameter bytes as
 * a run that was never interrupted. The data give two training plans (batches of 50 and a last one of 40), each
 * with its own dropout masks, and are reshuffled every epoch.
 */
class CheckpointTest {
    private static final Dataset TRAIN = SimpleCNNTest.crops(Datasets.embeddedDefault().train()).head(600);

    @TempDir
    Path folder;

    /** Stands for a killed process: thrown when epoch 3 reports, before its checkpoint is written. */
    private static final class Killed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Killed() {
            super("killed during epoch 3");
        }
    }

    private static PrintStream killedInEpoch3() {
        return new PrintStream(OutputStream.nullOutputStream()) {
            @Override
            public void println(Object line) {
                if (line instanceof EpochStats stats && stats.epoch() == 3) throw new Killed();
            }
        };
    }

    private static SimpleCNN model(boolean earlyStopping) {
        return SimpleCNN.builder().inChannels(List.of(1, 6)).inFeatures(List.of(96, 16)).outChannels(12)
                .outFeatures(10).epochs(4).batchSize(50).learningRate(0.003).seed(5).threads(2)
                .earlyStopping(earlyStopping).patience(2).progress(true).build();
    }

    private static byte[][] parameterBytes(SimpleCNN model) {
        MemorySegment values = model.network().parameters().values();
        MemorySegment state = model.network().parameters().state();
        return new byte[][] {values.toArray(ValueLayout.JAVA_BYTE), state.toArray(ValueLayout.JAVA_BYTE)};
    }

    /** Returns the uninterrupted run's history. */
    private History resumedRunEqualsUninterruptedRun(boolean earlyStopping) throws IOException {
        byte[][] expected;
        History uninterrupted;
        try (SimpleCNN model = model(earlyStopping).progressTo(new PrintStream(OutputStream.nullOutputStream()))) {
            uninterrupted = model.fit(TRAIN);
            expected = parameterBytes(model);
        }
        try (SimpleCNN model = model(earlyStopping).progressTo(killedInEpoch3()).checkpointTo(folder)) {
            assertThrows(Killed.class, () -> model.fit(TRAIN));
        }
        History resumed;
        byte[][] actual;
        try (SimpleCNN model = SimpleCNN.load(folder.resolve("last.jdnn"))) {
            assertEquals(2, model.history().epochsRun(), "the checkpoint is the one of epoch 2");
            resumed = model.progressTo(new PrintStream(OutputStream.nullOutputStream())).resume(TRAIN);
            actual = parameterBytes(model);
        }
        assertEquals(uninterrupted.epochsRun(), resumed.epochsRun());
        assertEquals(uninterrupted.stoppedEarly(), resumed.stoppedEarly());
        assertEquals(uninterrupted.bestEpoch(), resumed.bestEpoch());
        for (int e = 0; e < uninterrupted.epochsRun(); e++) {
            assertEquals(uninterrupted.epochs().get(e).trainLoss(), resumed.epochs().get(e).trainLoss(), "epoch " + (e + 1));
            assertEquals(uninterrupted.epochs().get(e).validLoss(), resumed.epochs().get(e).validLoss(), "epoch " + (e + 1));
        }
        for (int part = 0; part < 2; part++) {
            long mismatch = MemorySegment.ofArray(expected[part]).mismatch(MemorySegment.ofArray(actual[part]));
            assertEquals(-1L, mismatch, (part == 0 ? "trainable values" : "running statistics")
                    + " differ first at byte " + mismatch);
        }
        return uninterrupted;
    }

    @Test
    void aRunKilledAfterEpochTwoAndResumedEndsBitIdentical() throws IOException {
        resumedRunEqualsUninterruptedRun(false);
        assertTrue(Files.exists(folder.resolve("best.jdnn")), "best.jdnn is written with the best epoch");
    }

    @Test
    void withEarlyStoppingTheBestWeightsAreResumedToo() throws IOException {
        History run = resumedRunEqualsUninterruptedRun(true);
        assertTrue(run.stoppedEarly() && run.epochsRun() == 3 && run.bestEpoch() < 3,
                "this test needs a run that stops early in epoch 3 and restores an earlier epoch's weights, so that"
                        + " the resumed run must restore them from the checkpoint; adjust seed or patience: " + run.epochs());
    }

    @Test
    void resumingOnOtherDataOrWithoutACheckpointIsRefused() throws IOException {
        try (SimpleCNN model = model(false)) {
            model.fit(TRAIN.head(100));
            Path plain = folder.resolve("plain.jdnn");
            model.save(plain);
            try (SimpleCNN loaded = SimpleCNN.load(plain)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> loaded.resume(TRAIN));
                assertTrue(e.getMessage().startsWith("nothing to resume"), e.getMessage());
            }
        }
        try (SimpleCNN model = model(false).progressTo(killedInEpoch3()).checkpointTo(folder)) {
            assertThrows(Killed.class, () -> model.fit(TRAIN.head(200)));
        }
        try (SimpleCNN model = SimpleCNN.load(folder.resolve("last.jdnn"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.resume(TRAIN.head(300)));
            assertTrue(e.getMessage().contains("180 training and 20 validation images")
                    && e.getMessage().contains("270 training and 30 validation images"), e.getMessage());
        }
    }
}
