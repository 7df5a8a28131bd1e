package dev.jdnn.spark;

import dev.jdnn.SimpleCNN;
import dev.jdnn.inference.CompiledModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The compiled models of one executor JVM: each model file (known by its SHA-256) is loaded and compiled once, by the
 * first task that needs it, and shared by every later task of the JVM, each predicting through its own
 * {@link dev.jdnn.inference.Predictor}. A {@link CompiledModel} is thread-safe and its predictors share its weights
 * read-only, so N concurrent tasks hold one copy of the weights. Models stay for the JVM's life: an executor serves
 * the few models of its application, and a compiled W1 is about 2 MB.
 */
final class ExecutorModels {
    private record Key(String sha256, int maxBatch) {}

    private static final Map<Key, CompiledModel> MODELS = new ConcurrentHashMap<>();
    /** Loads and compiles done in this JVM, for the tests' "once per executor JVM". */
    private static final AtomicInteger COMPILATIONS = new AtomicInteger();

    private ExecutorModels() {}

    /**
     * The model of {@code sha256} compiled for batches of up to {@code maxBatch} images; {@code bytes} (the model file,
     * which reading a broadcast may fetch from the driver) is asked for only when this JVM has not compiled it yet.
     *
     * @throws IllegalStateException if the bytes are not those of {@code sha256}
     * @throws UncheckedIOException if they are not a model file jdnn reads
     */
    static CompiledModel compiled(String sha256, int maxBatch, Supplier<byte[]> bytes) {
        // computeIfAbsent holds the key's bin while it compiles: the tasks that need the same model wait for it.
        return MODELS.computeIfAbsent(new Key(sha256, maxBatch), key -> compile(key, bytes.get()));
    }

    private static CompiledModel compile(Key key, byte[] bytes) {
        String actual = ModelFile.sha256(bytes);
        if (!actual.equals(key.sha256())) {
            throw new IllegalStateException("the model bytes an executor received have SHA-256 " + actual
                    + ", not the driver's " + key.sha256());
        }
        try (SimpleCNN model = SimpleCNN.load(new ByteArrayInputStream(bytes))) {
            // The compiled model keeps its own folded copy of the weights: the loaded model is freed at once.
            CompiledModel compiled = CompiledModel.of(model, key.maxBatch());
            COMPILATIONS.incrementAndGet();
            return compiled;
        } catch (IOException e) {
            throw new UncheckedIOException("the model file (SHA-256 " + key.sha256() + ") cannot be read: "
                    + e.getMessage(), e);
        }
    }

    static int compilations() {
        return COMPILATIONS.get();
    }
}
