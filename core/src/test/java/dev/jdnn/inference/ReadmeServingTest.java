package dev.jdnn.inference;

import dev.jdnn.ReadmeSnippet;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Datasets;
import dev.jdnn.layers.ActivationFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's serving snippet, compiled and run here so that it cannot rot; the README must hold it verbatim. */
class ReadmeServingTest {
    private static final Path SOURCE = Path.of("src/test/java/dev/jdnn/inference/ReadmeServingTest.java");

    @AfterEach
    void removeTheSavedModel() throws IOException {
        Files.deleteIfExists(Path.of("model.jdnn"));
    }

    @Test
    @SuppressWarnings("unused")
    void servingSnippetRunsOnALoadedModel() throws IOException {
        try (SimpleCNN fitted = Models.fitted(Models.small(ActivationFunction.RELU, true, true))) {
            fitted.save(Path.of("model.jdnn"));
        }
        // README serving: begin
        try (SimpleCNN model = SimpleCNN.load(Path.of("model.jdnn"));    // any fitted model
             CompiledModel compiled = CompiledModel.of(model, 256);       // up to 256 images per call
             Predictor predictor = compiled.newPredictor()) {             // one per thread, 1 OpenMP thread
            float[] image = Datasets.embeddedDefault().test().image(0);   // 1 x 28 x 28 floats
            int label = predictor.predictClass(image);
            float[] logits = new float[compiled.outputSize()];
            predictor.predict(image, logits);                             // no allocation after the first call
        }
        // README serving: end
    }

    @Test
    void theReadmeHoldsTheSnippetVerbatim() throws IOException {
        ReadmeSnippet.assertReadmeHolds(SOURCE, "serving", "## Serving predictions");
    }
}
