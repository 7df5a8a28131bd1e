package dev.jdnn.cli;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code spark predict --compare-one-jvm}: the same model on the same images in this JVM, through one
 * {@link Predictor} of as many threads as Spark has task slots, in batches of the same size: what Spark's overhead is
 * measured against. Passes alternate with Spark's, so that both meet the same load on a shared machine.
 */
final class OneJvmPredictions implements AutoCloseable {
    private final Dataset data;
    private final SimpleCNN model;
    private final CompiledModel compiled;
    private final Predictor predictor;
    private final int batchSize;
    private final float[] pixels;
    private final int[] classes;

    OneJvmPredictions(Path modelFile, Dataset data, int threads, int batchSize) throws IOException {
        this.data = data;
        this.batchSize = batchSize;
        this.model = SimpleCNN.load(modelFile);
        this.compiled = CompiledModel.of(model, batchSize);
        this.predictor = compiled.newPredictor(threads);
        this.pixels = data.toArray();
        this.classes = new int[data.count()];
    }

    int threads() {
        return predictor.threads();
    }

    /** Predicts every image once; returns the seconds it took. */
    double pass() {
        int size = compiled.imageSize();
        int outputs = compiled.outputSize();
        float[] images = new float[batchSize * size];
        float[] logits = new float[batchSize * outputs];
        long start = System.nanoTime();
        for (int from = 0; from < data.count(); from += batchSize) {
            int n = Math.min(batchSize, data.count() - from);
            float[] in = n == batchSize ? images : new float[n * size];
            float[] out = n == batchSize ? logits : new float[n * outputs];
            System.arraycopy(pixels, from * size, in, 0, n * size);
            predictor.predict(in, out);
            for (int i = 0; i < n; i++) classes[from + i] = argmax(out, i * outputs, outputs);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** The accuracy of the last pass. */
    double accuracy() {
        int correct = 0;
        for (int i = 0; i < classes.length; i++) if (classes[i] == data.label(i)) correct++;
        return data.count() == 0 ? Double.NaN : correct / (double) data.count();
    }

    private static int argmax(float[] logits, int from, int outputs) {
        int best = 0;
        for (int k = 1; k < outputs; k++) if (logits[from + k] > logits[from + best]) best = k;
        return best;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    @Override
    public void close() {
        predictor.close();
        compiled.close();
        model.close();
    }
}
