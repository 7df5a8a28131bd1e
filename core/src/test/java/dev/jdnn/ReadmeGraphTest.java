package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.data.Datasets;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.GlobalAveragePooling2D;
import dev.jdnn.layers.Graph;
import dev.jdnn.layers.GraphBuilder;
import dev.jdnn.layers.Padding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's small ResNet built with the graph API, compiled and run here so that it cannot rot; the README must
 * hold it verbatim. Checked beyond the snippet: it learns, and the loaded and compiled models predict as it does.
 */
class ReadmeGraphTest {
    private static final Path SOURCE = Path.of("src/test/java/dev/jdnn/ReadmeGraphTest.java");

    @AfterEach
    void removeTheSavedModel() throws IOException {
        Files.deleteIfExists(Path.of("resnet.jdnn"));
    }

    @Test
    void smallResNetTrainsSavesAndServes() throws IOException {
        Datasets.TrainTest data = Datasets.embeddedDefault();
        // README graph: begin
        GraphBuilder b = new GraphBuilder(1, 28, 28);
        GraphBuilder.Value x = b.apply(new Activation(ActivationFunction.RELU), b.apply(new BatchNorm2D(16),
                b.apply(new Convolution2D(1, 16, 3, 2, Padding.SAME), b.input())));          // 16 x 14 x 14
        for (int block = 0; block < 2; block++) {                     // x = relu(x + bn(conv(relu(bn(conv(x))))))
            GraphBuilder.Value y = b.apply(new Activation(ActivationFunction.RELU), b.apply(new BatchNorm2D(16),
                    b.apply(new Convolution2D(16, 16, 3, 1, Padding.SAME).withoutBias(), x)));
            y = b.apply(new BatchNorm2D(16), b.apply(new Convolution2D(16, 16, 3, 1, Padding.SAME).withoutBias(), y));
            x = b.apply(new Activation(ActivationFunction.RELU), b.add(y, x));        // the shortcut
        }
        GraphBuilder.Value features = b.apply(new Flatten(), b.apply(new GlobalAveragePooling2D(), x));
        Graph resnet = b.build(b.apply(new Dense(16, 10), features));
        try (SimpleCNN model = SimpleCNN.builder().graph(resnet)     // any graph, trained like the seed's network
                .optimizer("adam").learningRate(1e-2).initializer("kaiming-normal")   // the seed's 0.01 x N(0, 1) is too small
                .epochs(2).batchSize(100).seed(0).build()) {
            model.fit(data.train());
            model.save(Path.of("resnet.jdnn"));                       // the graph and its weights
            try (CompiledModel compiled = CompiledModel.of(model, 1);  // batch norm folded, the additions fused
                 Predictor predictor = compiled.newPredictor()) {
                float[] logits = new float[10];
                predictor.predict(data.test().image(0), logits);
            }
        }
        // README graph: end
        float[] first = data.test().image(0);
        try (SimpleCNN loaded = SimpleCNN.load(Path.of("resnet.jdnn"));
             CompiledModel compiled = CompiledModel.of(loaded, 1); Predictor predictor = compiled.newPredictor()) {
            double accuracy = loaded.score(data.test(), Metric.ACCURACY);
            assertTrue(accuracy > 0.5, "two epochs of the small ResNet reach " + accuracy);
            float[] logits = new float[10];
            predictor.predict(first, logits);
            float[] reference = loaded.predictRaw(data.test().head(1))[0];
            for (int i = 0; i < 10; i++) assertEquals(reference[i], logits[i], 1e-3 * (1 + Math.abs(reference[i])));
            assertArrayEquals(reference, loaded.predictRaw(data.test().head(1))[0]);
        }
    }

    @Test
    void theReadmeHoldsTheGraphSnippetVerbatim() throws IOException {
        ReadmeSnippet.assertReadmeHolds(SOURCE, "graph", "## Networks beyond SimpleCNN");
    }
}
