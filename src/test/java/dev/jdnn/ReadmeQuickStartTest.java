package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    private static final String BEGIN = "// README quick start: begin";
    private static final String END = "// README quick start: end";
    private static final String INDENT = " ".repeat(8);

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
        List<String> source = Files.readAllLines(SOURCE);
        List<String> snippet = source.subList(indexOf(source, BEGIN) + 1, indexOf(source, END)).stream()
                .map(line -> {
                    assertTrue(line.isEmpty() || line.startsWith(INDENT), "not indented by 8: " + line);
                    return line.isEmpty() ? line : line.substring(INDENT.length());
                }).toList();
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int heading = indexOf(readme, "## Quick start in Java");
        int open = heading + readme.subList(heading, readme.size()).indexOf("```java");
        int close = open + readme.subList(open, readme.size()).indexOf("```");
        assertEquals(String.join("\n", snippet), String.join("\n", readme.subList(open + 1, close)),
                "README.md's quick start differs from " + SOURCE + ": edit both");
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).strip().equals(marker)) return i;
        throw new AssertionError("no line '" + marker + "'");
    }
}
