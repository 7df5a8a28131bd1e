package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.SimpleCNN;
import dev.jdnn.SimpleCNNBuilder;
import dev.jdnn.io.ModelFormatException;
import dev.jdnn.runtime.CountingArena;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, no leak: the native memory of models (CountingArena's live bytes) returns to where it was after many
 * rounds of fitting, refused calls, saving, loading and refused loads, each model closed by its owner. A load refused
 * after the network was allocated (a checkpoint's training section is read last) is the path most likely to forget
 * its memory.
 */
class NoLeakTest {
    private static final int ROUNDS = 50;

    @TempDir
    Path folder;

    private static SimpleCNNBuilder small() {
        return SimpleCNN.builder().inChannels(1).inFeatures(List.of(64, 8)).outChannels(4).outFeatures(2).epochs(1)
                .batchSize(4).threads(1).seed(5).progress(false);
    }

    @Test
    void refusedCallsAndLoadsLeaveNoNativeMemoryBehind() throws IOException {
        float[][][][] images = new float[12][1][8][8];
        int[] labels = new int[12];
        for (int i = 0; i < images.length; i++) {
            labels[i] = i % 2;
            images[i][0][i % 8][i % 7] = 1;
        }
        Path saved = folder.resolve("model.jdnn");
        try (SimpleCNN model = small().build().checkpointTo(folder)) {
            model.fit(images, labels);
        }
        // The training section of a checkpoint is read only after the network has been allocated.
        Path refusedLate = Files.write(folder.resolve("bad-checkpoint.jdnn"), ModelFileBytes.editHeader(
                Files.readAllBytes(folder.resolve(SimpleCNN.LAST_CHECKPOINT)),
                header -> ((ObjectNode) header.get("training")).put("optimizer_steps", -1)));

        long before = CountingArena.liveBytes();
        long peak = before;
        for (int round = 0; round < ROUNDS; round++) {
            try (SimpleCNN model = small().build()) {
                model.fit(images, labels);
                peak = Math.max(peak, CountingArena.liveBytes());
                assertThrows(IllegalArgumentException.class, () -> model.fit(new float[2][3][8][8], new int[2]));
                assertThrows(IllegalArgumentException.class, () -> model.predict(new float[1][1][8][9]));
                model.predict(images);
                model.save(saved);
            }
            try (SimpleCNN loaded = SimpleCNN.load(saved)) {
                loaded.predict(images);
            }
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> SimpleCNN.load(refusedLate));
            assertTrue(e.getMessage().contains("optimizer_steps"), e.getMessage());
        }
        assertTrue(peak > before, "an open model holds live native memory, so the counter can see a leak");
        assertEquals(before, CountingArena.liveBytes(), "native bytes still held after " + ROUNDS
                + " rounds of closed models (one round's model held " + (peak - before) + ")");
    }
}
