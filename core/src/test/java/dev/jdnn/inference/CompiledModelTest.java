package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.layers.ActivationFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compiled (folded, fused) model against the model's own unfused predictions, for every activation
 * with and without batch norm and pooling: the logits must agree to 1e-5 relative to the largest logit
 * of each image.
 */
class CompiledModelTest {
    static final double TOLERANCE = 1e-5;

    static Stream<Arguments> variants() {
        List<Arguments> all = new ArrayList<>();
        for (ActivationFunction f : ActivationFunction.values()) {
            for (boolean batchNorm : new boolean[] {true, false}) {
                for (boolean pooling : new boolean[] {true, false}) all.add(Arguments.of(f, batchNorm, pooling));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} batchNorm={1} pooling={2}")
    @MethodSource("variants")
    void foldedLogitsEqualTheModelsOwnPredictions(ActivationFunction activation, boolean batchNorm, boolean pooling) {
        Dataset images = Models.testImages(20);
        try (SimpleCNN model = Models.fitted(Models.small(activation, batchNorm, pooling))) {
            if (batchNorm) Models.randomizeBatchNorm(model, 11);
            float[][] expected = model.predictRaw(images);
            try (CompiledModel compiled = CompiledModel.of(model, 8); Predictor predictor = compiled.newPredictor()) {
                double worst = assertClose(expected, predictBatches(predictor, images, 8));
                worst = Math.max(worst, assertClose(expected, predictBatches(predictor, images, 1)));
                worst = Math.max(worst, assertClose(expected, predictBatches(predictor, images, 3)));
                System.out.printf("%s batchNorm=%b pooling=%b: largest relative difference %.2e%n", activation,
                        batchNorm, pooling, worst);
            }
        }
    }

    @Test
    void aModelLoadedFromAFileCompilesToBitIdenticalLogits(@TempDir Path folder) throws IOException {
        Dataset images = Models.testImages(10);
        Path file = folder.resolve("model.jdnn");
        float[][] before;
        try (SimpleCNN model = Models.fitted(Models.small(ActivationFunction.SWISH, true, true))) {
            Models.randomizeBatchNorm(model, 3);
            model.save(file);
            before = predict(model, images);
        }
        try (SimpleCNN loaded = SimpleCNN.load(file)) {
            float[][] after = predict(loaded, images);
            for (int i = 0; i < before.length; i++) assertArrayEquals(before[i], after[i], "image " + i);
        }
    }

    private static float[][] predict(SimpleCNN model, Dataset images) {
        try (CompiledModel compiled = CompiledModel.of(model, 4); Predictor predictor = compiled.newPredictor()) {
            return predictBatches(predictor, images, 4);
        }
    }

    /** The images' logits predicted {@code batch} at a time (the last batch may be smaller). */
    static float[][] predictBatches(Predictor predictor, Dataset images, int batch) {
        int size = images.imageSize();
        int outputs = predictor.model().outputSize();
        float[] pixels = images.toArray();
        float[][] result = new float[images.count()][outputs];
        for (int from = 0; from < images.count(); from += batch) {
            int n = Math.min(batch, images.count() - from);
            float[] in = Arrays.copyOfRange(pixels, from * size, (from + n) * size);
            float[] out = new float[n * outputs];
            predictor.predict(in, out);
            for (int i = 0; i < n; i++) System.arraycopy(out, i * outputs, result[from + i], 0, outputs);
        }
        return result;
    }

    /**
     * Asserts each row agrees to TOLERANCE relative to its largest magnitude, naming the worst difference;
     * returns the largest relative difference.
     */
    static double assertClose(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        double worst = 0;
        int worstRow = -1;
        for (int r = 0; r < expected.length; r++) {
            double scale = 0;
            for (float v : expected[r]) scale = Math.max(scale, Math.abs(v));
            double diff = 0;
            for (int i = 0; i < expected[r].length; i++) diff = Math.max(diff, Math.abs(expected[r][i] - actual[r][i]));
            double relative = diff / Math.max(scale, 1e-30);
            if (relative > worst || Double.isNaN(relative)) {
                worst = relative;
                worstRow = r;
            }
        }
        if (!(worst <= TOLERANCE)) {
            throw new AssertionError("largest relative difference " + worst + " > " + TOLERANCE + " at image "
                    + worstRow + ": expected " + Arrays.toString(expected[worstRow]) + ", got "
                    + Arrays.toString(actual[worstRow]));
        }
        return worst;
    }
}
