package dev.jdnn;

import dev.jdnn.data.Datasets;
import dev.jdnn.train.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's Java quick start, compiled and run here so that it cannot rot; the README must hold it verbatim. */
class ReadmeQuickStartTest {
    private static final Path SOURCE = Path.of("src/test/java/dev/jdnn/ReadmeQuickStartTest.java");

    @AfterEach
    void removeTheSavedModel() throws IOException {
        Files.deleteIfExists(Path.of("fashion.jdnn"));
    }

    @Test
    @SuppressWarnings("unused")
    void quickStartRuns() throws IOException {
        // README quick start: begin
        Datasets.TrainTest data = Datasets.embeddedDefault();           // or Datasets.fashionMnist()
        try (SimpleCNN model = SimpleCNN.builder()
                .inChannels(List.of(1, 32)).outChannels(64)               // two ConvBlock2D: 1->32, 32->64
                .inFeatures(List.of(3136, 128)).outFeatures(10)           // DenseBlock 3136->128, Dense 128->10
                .initializer("kaiming-normal").optimizer("adam").learningRate(1e-3)
                .epochs(1).batchSize(100).seed(0).build()) {
            History history = model.fit(data.train());                   // 10% held out for validation
            double accuracy = model.score(data.test(), Metric.ACCURACY);  // about 0.8 after one epoch
            model.save(Path.of("fashion.jdnn"));                          // configuration, classes, weights
        }
        try (SimpleCNN model = SimpleCNN.load(Path.of("fashion.jdnn"))) {
            int[] classes = model.predict(data.test());                   // as the saved model predicted, bit for bit
        }
        // README quick start: end
    }

    @Test
    void theReadmeHoldsTheQuickStartVerbatim() throws IOException {
        ReadmeSnippet.assertReadmeHolds(SOURCE, "quick start", "## Quick start in Java");
    }
}
