package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.data.Preprocessing;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A model file of format version 1, committed when the format was introduced, must keep loading and predicting
 * the logits it predicted then: the seed example trained on 8 x 16 crops of the embedded set. Regenerate (only
 * with a new format version, as a new file) with {@link #main}.
 */
class GoldenModelTest {
    private static final String MODEL = "golden/seed-example-v1.jdnn";
    private static final String LOGITS = "golden/seed-example-v1.logits";
    private static final int IMAGES = 20;

    private static Dataset images() {
        return SimpleCNNTest.crops(Datasets.embeddedDefault().test()).head(IMAGES);
    }

    @Test
    void versionOneFileStillLoadsAndPredictsItsLogits() throws IOException, URISyntaxException {
        Path file = Path.of(GoldenModelTest.class.getResource(MODEL).toURI());
        List<float[]> expected = new ArrayList<>();
        try (InputStream in = GoldenModelTest.class.getResourceAsStream(LOGITS)) {
            for (String line : new String(in.readAllBytes()).strip().split("\n")) {
                String[] fields = line.strip().split(" ");
                float[] row = new float[fields.length];
                for (int i = 0; i < row.length; i++) row[i] = Float.parseFloat(fields[i]);
                expected.add(row);
            }
        }
        try (SimpleCNN model = SimpleCNN.load(file)) {
            assertEquals(List.of(1, 6), model.config().inChannels());
            assertEquals(Datasets.FASHION_MNIST_CLASSES, model.classNames());
            assertEquals(3, model.history().epochsRun());
            assertEquals(Preprocessing.DEFAULT, model.preprocessing(), "a file without preprocessing has the defaults");
            float[][] logits = model.predictRaw(images());
            double largest = 0;
            for (int i = 0; i < IMAGES; i++) {
                for (int c = 0; c < 10; c++) largest = Math.max(largest, Math.abs(logits[i][c] - expected.get(i)[c]));
                assertEquals(Labels.argmax(expected.get(i)), Labels.argmax(logits[i]), "class of image " + i);
            }
            // Other ISAs may sum in another order: last bits only.
            assertTrue(largest < 1e-4, "largest logit difference " + largest);
        }
    }

    /** Writes the golden files into {@code args[0]} (src/test/resources/dev/jdnn/golden). */
    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]);
        try (SimpleCNN model = SimpleCNN.builder().inChannels(List.of(1, 6)).inFeatures(List.of(96, 16))
                .outChannels(12).outFeatures(10).epochs(3).batchSize(50).learningRate(0.003).seed(0).threads(2)
                .progress(false).build()) {
            model.fit(SimpleCNNTest.crops(Datasets.embeddedDefault().train()));
            model.save(folder.resolve(Path.of(MODEL).getFileName()));
            StringBuilder text = new StringBuilder();
            for (float[] row : model.predictRaw(images())) {
                for (int c = 0; c < row.length; c++) text.append(c == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.9g", row[c]));
                text.append('\n');
            }
            Files.writeString(folder.resolve(Path.of(LOGITS).getFileName()), text);
        }
    }
}
