package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Datasets;
import dev.jdnn.layers.ActivationFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's serving snippet, compiled and run here so that it cannot rot; the README must hold it verbatim. */
class ReadmeServingTest {
    private static final Path SOURCE = Path.of("src/test/java/dev/jdnn/inference/ReadmeServingTest.java");
    private static final String BEGIN = "// README serving: begin";
    private static final String END = "// README serving: end";
    private static final String INDENT = " ".repeat(8);

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
        List<String> source = Files.readAllLines(SOURCE);
        List<String> snippet = source.subList(indexOf(source, BEGIN) + 1, indexOf(source, END)).stream()
                .map(line -> {
                    assertTrue(line.isEmpty() || line.startsWith(INDENT), "not indented by 8: " + line);
                    return line.isEmpty() ? line : line.substring(INDENT.length());
                }).toList();
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int heading = indexOf(readme, "## Serving predictions");
        int open = heading + readme.subList(heading, readme.size()).indexOf("```java");
        int close = open + readme.subList(open, readme.size()).indexOf("```");
        assertEquals(String.join("\n", snippet), String.join("\n", readme.subList(open + 1, close)),
                "README.md's serving snippet differs from " + SOURCE + ": edit both");
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).trim().equals(marker)) return i;
        throw new AssertionError("no line '" + marker + "'");
    }
}
