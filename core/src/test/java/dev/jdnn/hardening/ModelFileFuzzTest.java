package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.io.ModelFormatException;
import dev.jdnn.layers.Graph;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the model-file loader ({@link SimpleCNN#load}). {@link #load} takes the bytes as they are, so most
 * mutations end at the checksum; {@link #loadWithValidChecksum} first replaces the last 32 bytes by the SHA-256 of
 * the rest, as a forger would, so the fuzzer reaches the header, config, graph and tensor checks behind it. The seeds
 * are files of both versions: version 1 (the network built from the config) and version 2 (the graph stored), among
 * them a graph model using every operation and a checkpoint of it.
 * The only exception allowed is ModelFormatException, from the file and from a stream of the same bytes, which
 * must load the same model whenever the file loads. A model that loads must summarise, predict (when its images
 * are small enough to be worth it) and survive a save and a load with the same parameter bytes.
 */
class ModelFileFuzzTest {
    /** Models whose widest value exceeds this many floats per image are loaded but not run. */
    private static final long MAX_ACTIVATION = 1 << 20;

    @TempDir
    static Path folder;

    @FuzzTest
    void load(byte[] bytes) throws IOException {
        loadAndUse(bytes);
    }

    @FuzzTest
    void loadWithValidChecksum(byte[] bytes) throws IOException {
        loadAndUse(ModelFileBytes.fixChecksum(bytes));
    }

    private static void loadAndUse(byte[] bytes) throws IOException {
        Path file = Files.write(folder.resolve("fuzzed.jdnn"), bytes);
        // A stream may load what a file refuses (bytes after the model's end stay in the stream), not the reverse.
        try (SimpleCNN streamed = loadOrNull(() -> SimpleCNN.load(new ByteArrayInputStream(bytes)));
             SimpleCNN model = loadOrNull(() -> SimpleCNN.load(file))) {
            if (model == null) return;
            assertEquals(-1L, streamed == null ? 0L
                    : model.network().parameters().values().mismatch(streamed.network().parameters().values()),
                    "the file loads: a stream of its bytes must load the same parameters");
            long[] shape = model.network().inputShape();
            model.summary(shape[0], shape[1], shape[2]);
            if (widestActivation(model.network().graph()) <= MAX_ACTIVATION) {
                int size = Math.toIntExact(shape[0] * shape[1] * shape[2]);
                Dataset zeros = Dataset.of(new float[2 * size], 2, (int) shape[0], (int) shape[1], (int) shape[2],
                        new int[2], Dataset.numberedClasses(1));
                float[][] logits = model.predictRaw(zeros);
                assertEquals(2, logits.length, "one row of logits per image");
                assertEquals(model.config().outFeatures(), logits[0].length, "out_features logits");
            }
            Path copy = folder.resolve("copy.jdnn");
            model.save(copy);
            try (SimpleCNN again = SimpleCNN.load(copy)) {
                MemorySegment before = model.network().parameters().values();
                long mismatch = before.mismatch(again.network().parameters().values());
                assertEquals(-1L, mismatch, "a saved and reloaded model differs first at parameter byte " + mismatch);
                assertEquals(model.network().graph(), again.network().graph(), "a saved and reloaded graph");
            }
        }
    }

    private interface Loader {
        SimpleCNN load() throws IOException;
    }

    /** The loaded model, or null if it is refused as documented: not a valid model file. */
    private static SimpleCNN loadOrNull(Loader loader) throws IOException {
        try {
            return loader.load();
        } catch (ModelFormatException refused) {
            return null;
        }
    }

    /**
     * The most values one image has at any node of the network (saturating at Long.MAX_VALUE), a bound on what one
     * image costs to run: the network may be any graph a version-2 header stores.
     */
    private static long widestActivation(Graph graph) {
        long widest = 0;
        for (int v = 0; v <= graph.nodes().size(); v++) {
            long values = 1;
            for (long d : graph.shape(v)) values = Math.multiplyHigh(values, d) != 0 || values * d < 0 ? Long.MAX_VALUE : values * d;
            widest = Math.max(widest, values);
        }
        return widest;
    }
}
