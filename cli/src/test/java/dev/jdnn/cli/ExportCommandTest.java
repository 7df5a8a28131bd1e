package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Datasets;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.onnx.OnnxExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export --onnx OUT MODEL}: the file it writes, its JSON line, and bad usage (exit 2, one line). */
class ExportCommandTest {
    @TempDir
    static Path folder;
    private static Path relu;

    @BeforeAll
    static void saveAModel() throws Exception {
        relu = save(ActivationFunction.RELU);
    }

    private static Path save(ActivationFunction activation) throws Exception {
        try (SimpleCNN model = SimpleCNN.builder().inChannels(List.of(1, 4)).outChannels(8)
                .inFeatures(List.of(8 * 7 * 7, 16)).outFeatures(10).activation(activation).epochs(1).batchSize(50)
                .threads(1).progress(false).build()) {
            model.fit(Datasets.embeddedDefault().train().head(100));
            Path file = folder.resolve(activation.label() + ".jdnn");
            model.save(file);
            return file;
        }
    }

    @Test
    void writesTheModelsOnnxExport() throws Exception {
        Path out = folder.resolve("relu.onnx");
        Run run = Run.of("export", "--onnx", out.toString(), relu.toString());
        assertEquals(0, run.status(), run.stderr());
        // Batch norm is folded by default: the convolution is followed by its activation.
        assertTrue(run.stdout().startsWith("wrote " + out + " (") && run.stdout().contains(": Conv -> Relu -> MaxPool"),
                run.stdout());
        try (SimpleCNN model = SimpleCNN.load(relu)) {
            assertArrayEquals(OnnxExport.toBytes(model, OnnxExport.BatchNormMode.FOLDED), Files.readAllBytes(out));
        }
    }

    @Test
    void jsonNamesTheFileItsSizeAndOperators() throws Exception {
        Path out = folder.resolve("nodes.onnx");
        Run run = Run.of("export", "--onnx", out.toString(), "--batch-norm", "nodes", "--json", relu.toString());
        assertEquals(0, run.status(), run.stderr());
        JsonNode json = new ObjectMapper().readTree(run.stdout().strip().lines().toList().getLast());
        assertEquals(Files.size(out), json.get("bytes").asLong());
        assertEquals("nodes", json.get("batch_norm").asText());
        assertEquals(13, json.get("opset").asInt());
        assertEquals("BatchNormalization", json.get("operators").get(1).asText(), json.toString());
    }

    @Test
    void badUsageExitsWithStatus2AndOneLine() {
        String[][] cases = {
                {"export", relu.toString()},
                {"export", "--onnx", folder.resolve("x.onnx").toString(), folder.resolve("missing.jdnn").toString()},
                {"export", "--onnx", folder.resolve("x.onnx").toString(), "--batch-norm", "fused", relu.toString()},
        };
        String[] reasons = {"--onnx", "missing.jdnn", "not one of folded, nodes"};
        for (int i = 0; i < cases.length; i++) {
            Run run = Run.of(cases[i]);
            String what = String.join(" ", cases[i]) + ": " + run.stderr();
            assertEquals(2, run.status(), what);
            assertTrue(run.stderr().startsWith("jdnn: ") && run.stderr().contains(reasons[i]), what);
            assertEquals(1, run.stderr().strip().lines().count(), what);
        }
        assertTrue(Files.notExists(folder.resolve("x.onnx")), "nothing is written on bad usage");
    }
}
