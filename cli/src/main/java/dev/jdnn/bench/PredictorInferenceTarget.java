package dev.jdnn.bench;

import dev.jdnn.SimpleCNN;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Precision;
import dev.jdnn.inference.Predictor;
import dev.jdnn.runtime.Threads;

/**
 * Inference through the low-latency path: the model compiled once (batch norm folded, activations fused,
 * weights reordered once), one {@link Predictor} per thread count. Predictors of 2+ threads split a batch into
 * per-thread sub-batches.
 */
public final class PredictorInferenceTarget implements InferenceTarget, AutoCloseable {
    private final CompiledModel compiled;
    private final Predictor[] byThreads = new Predictor[Threads.MAX + 1];

    /** The model compiled in float32. */
    public PredictorInferenceTarget(SimpleCNN model, int maxBatch) {
        this(model, maxBatch, Precision.F32);
    }

    /**
     * @throws UnsupportedOperationException for bf16 on a CPU without native bf16 arithmetic
     */
    public PredictorInferenceTarget(SimpleCNN model, int maxBatch, Precision precision) {
        this.compiled = CompiledModel.of(model, maxBatch, precision);
    }

    /** {@code predictor}, or {@code predictor-bf16} for a bf16 model. */
    @Override
    public String path() {
        return compiled.precision() == Precision.F32 ? "predictor" : "predictor-bf16";
    }

    @Override
    public int outputSize() {
        return compiled.outputSize();
    }

    @Override
    public void predict(int threads, float[] images, float[] logits) {
        // The thread count is the caller's to give: a predictor changes its caller's OpenMP setting, so reading
        // that setting back (as this did before) picked the 1-thread predictor after the first split batch.
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
