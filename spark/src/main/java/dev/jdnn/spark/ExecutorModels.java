package dev.jdnn.spark;

import dev.jdnn.SimpleCNN;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The compiled models of one executor JVM and their idle predictors. Each model file (known by its SHA-256) is loaded
 * and compiled once, by the first task that needs it, and shared by every later task of the JVM: a
 * {@link CompiledModel} is thread-safe and its predictors share its weights read-only. A task borrows a
 * {@link Predictor} for its partition and gives it back when it ends, so that the next task on the executor finds its
 * buffers allocated and its plans compiled (a new predictor allocates and plans per batch size at its first call:
 * tens of MB and milliseconds for a batch of 256 of W1). There are at most as many predictors as tasks ran at once.
 * Models and predictors stay for the JVM's life: an executor serves the few models of its application.
 */
final class ExecutorModels {
    private record Key(String sha256, int maxBatch) {}

    /** A compiled model and its idle predictors, by thread count. */
    private record Entry(CompiledModel compiled, Map<Integer, Queue<Predictor>> idle) {}

    private static final Map<Key, Entry> MODELS = new ConcurrentHashMap<>();
    /** Loads and compiles done in this JVM, for the tests' "once per executor JVM". */
    private static final AtomicInteger COMPILATIONS = new AtomicInteger();
    /** Predictors made in this JVM, for the tests' "reused by the next task". */
    private static final AtomicInteger PREDICTORS = new AtomicInteger();

    private ExecutorModels() {}

    /**
     * An idle predictor of {@code threads} threads of the model of {@code sha256} compiled for batches of up to
     * {@code maxBatch} images, or a new one; {@code bytes} (the model file, which reading a broadcast may fetch from
     * the driver) is asked for only when this JVM has not compiled the model yet. Give it back with
     * {@link #giveBack}, or close it.
     *
     * @throws IllegalStateException if the bytes are not those of {@code sha256}
     * @throws UncheckedIOException if they are not a model file jdnn reads
     */
    static Predictor borrow(String sha256, int maxBatch, int threads, Supplier<byte[]> bytes) {
        // computeIfAbsent holds the key's bin while it compiles: the tasks that need the same model wait for it.
        Entry entry = MODELS.computeIfAbsent(new Key(sha256, maxBatch), key -> compile(key, bytes.get()));
        Predictor idle = entry.idle().computeIfAbsent(threads, t -> new ConcurrentLinkedQueue<>()).poll();
        if (idle != null) return idle;
        PREDICTORS.incrementAndGet();
        return entry.compiled().newPredictor(threads);
    }

    /** Makes {@code predictor}, borrowed from {@link #borrow} and no longer used, available to the next task. */
    static void giveBack(String sha256, Predictor predictor) {
        Entry entry = MODELS.get(new Key(sha256, predictor.model().maxBatch()));
        entry.idle().get(predictor.threads()).add(predictor);
    }

    private static Entry compile(Key key, byte[] bytes) {
        String actual = ModelFile.sha256(bytes);
        if (!actual.equals(key.sha256())) {
            throw new IllegalStateException("the model bytes an executor received have SHA-256 " + actual
                    + ", not the driver's " + key.sha256());
        }
        try (SimpleCNN model = SimpleCNN.load(new ByteArrayInputStream(bytes))) {
            // The compiled model keeps its own folded copy of the weights: the loaded model is freed at once.
            CompiledModel compiled = CompiledModel.of(model, key.maxBatch());
            COMPILATIONS.incrementAndGet();
            return new Entry(compiled, new ConcurrentHashMap<>());
        } catch (IOException e) {
            throw new UncheckedIOException("the model file (SHA-256 " + key.sha256() + ") cannot be read: "
                    + e.getMessage(), e);
        }
    }

    static int compilations() {
        return COMPILATIONS.get();
    }

    static int predictors() {
        return PREDICTORS.get();
    }
}
