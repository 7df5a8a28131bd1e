package dev.jdnn.inference;

import dev.jdnn.ReadmeSnippet;
import dev.jdnn.SimpleCNN;
import dev.jdnn.layers.ActivationFunction;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's embedding snippet, compiled and run here so that it cannot rot; the README must hold it verbatim. */
class ReadmeEmbeddingTest {
    private static final Path SOURCE = Path.of("src/test/java/dev/jdnn/inference/ReadmeEmbeddingTest.java");

    @AfterEach
    void removeTheFiles() throws IOException {
        Files.deleteIfExists(Path.of("model.jdnn"));
        Files.deleteIfExists(Path.of("shirt.png"));
    }

    @Test
    @SuppressWarnings("unused")
    void embeddingSnippetPredictsFromAStreamAndAnImage() throws IOException {
        try (SimpleCNN fitted = Models.fitted(Models.small(ActivationFunction.RELU, true, true))) {
            fitted.save(Path.of("model.jdnn"));
        }
        BufferedImage drawn = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) drawn.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | 90);
        ImageIO.write(drawn, "png", Path.of("shirt.png").toFile());
        // README embedding: begin
        try (InputStream in = Files.newInputStream(Path.of("model.jdnn"));  // or SimpleCNN.loadResource(App.class, "/model.jdnn")
             SimpleCNN model = SimpleCNN.load(in);
             CompiledModel compiled = CompiledModel.of(model, 1);
             Predictor predictor = compiled.newPredictor()) {
            BufferedImage photo = ImageIO.read(Path.of("shirt.png").toFile());
            int label = predictor.predictImage(photo);                       // sized and scaled as the model says
            int same = predictor.predictImage(Files.readAllBytes(Path.of("shirt.png")));  // PNG, JPEG or BMP bytes
        }
        // README embedding: end
    }

    @Test
    void theReadmeHoldsTheSnippetVerbatim() throws IOException {
        ReadmeSnippet.assertReadmeHolds(SOURCE, "embedding", "## Embedding jdnn in an application");
    }
}
