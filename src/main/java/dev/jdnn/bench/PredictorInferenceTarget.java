package dev.jdnn.bench;

import dev.jdnn.SimpleCNN;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import dev.jdnn.runtime.Threads;

/**
 * Inference through the low-latency path: the model compiled once (batch norm folded, activations fused,
 * weights reordered once), one {@link Predictor} per thread count, picked by the calling thread's OpenMP
 * setting (which the benchmark sets before each phase). Predictors of 2+ threads split a batch into
 * per-thread sub-batches.
 */
public final class PredictorInferenceTarget implements InferenceTarget, AutoCloseable {
    private final CompiledModel compiled;
    private final Predictor[] byThreads = new Predictor[Runtime.getRuntime().availableProcessors() + 1];

    public PredictorInferenceTarget(SimpleCNN model, int maxBatch) {
        this.compiled = CompiledModel.of(model, maxBatch);
    }

    @Override
    public String path() {
        return "predictor";
    }

    @Override
    public void predict(float[] images, float[] logits) {
        int threads = Math.min(Threads.max(), byThreads.length - 1);
        Predictor predictor = byThreads[threads];
        if (predictor == null) {
            predictor = compiled.newPredictor(threads);
            byThreads[threads] = predictor;
        }
        predictor.predict(images, logits);
    }

    @Override
    public void close() {
        for (Predictor predictor : byThreads) if (predictor != null) predictor.close();
        compiled.close();
    }
}
