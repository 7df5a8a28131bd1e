package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * PyTorch networks exported to ONNX (core/src/test/python/make_onnx_import_fixtures.py: residual blocks with
 * identity and projection shortcuts, a dilated convolution, an inverted residual block with depthwise convolutions,
 * relu6 as Clip, hard-swish as HardSigmoid times x, a spatial ReduceMean, W1's shape with a view to [N, -1] written as
 * Shape/Gather/Unsqueeze/Concat/Reshape and a Pad of zeros), imported and run by jdnn layer by layer and compiled,
 * against ONNX Runtime on the same file: the largest difference within 1e-4 of the largest output.
 */
class OnnxImportTest {
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/onnx-import");
    private static final int BATCH = 3;

    @ParameterizedTest
    @ValueSource(strings = {"residual_opset13", "residual_opset17", "mobile_opset13", "mobile_opset17", "seed_opset13",
            "seed_opset17"})
    void anImportedModelComputesWhatOnnxRuntimeComputes(String name) throws IOException, OrtException {
        assertMatchesOnnxRuntime(FIXTURES.resolve(name + ".onnx"));
    }

    /**
     * The slower check, of large models (torchvision's resnet18 and mobilenet_v2 with random weights, written by
     * make_onnx_import_fixtures.torchvision_models): every .onnx file in the folder {@code -Djdnn.onnx.models} names.
     */
    @Test
    void largeModelsComputeWhatOnnxRuntimeComputes() throws IOException, OrtException {
        String folder = System.getProperty("jdnn.onnx.models", "");
        Assumptions.assumeFalse(folder.isBlank(), "no -Djdnn.onnx.models folder given");
        List<Path> files;
        try (var listing = Files.list(Path.of(folder))) {
            files = listing.filter(f -> f.toString().endsWith(".onnx")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no .onnx file in " + folder);
        for (Path file : files) assertMatchesOnnxRuntime(file);
    }

    private static void assertMatchesOnnxRuntime(Path file) throws IOException, OrtException {
        String name = file.getFileName().toString();
        try (SimpleCNN model = SimpleCNN.load(file)) {
            long[] image = model.network().inputShape();
            int size = Math.toIntExact(image[0] * image[1] * image[2]);
            float[] images = new float[BATCH * size];
            Random random = new Random(name.hashCode());
            for (int i = 0; i < images.length; i++) images[i] = (float) random.nextGaussian();
            float[] expected = OrtLogits.of(Files.readAllBytes(file), images,
                    new long[] {BATCH, image[0], image[1], image[2]}, "images", "logits");
            float[][] raw = model.predictRaw(Dataset.of(images, BATCH, (int) image[0], (int) image[1], (int) image[2],
                    new int[BATCH], Dataset.numberedClasses(1)));
            int classes = raw[0].length;
            float[] layered = new float[BATCH * classes];
            for (int i = 0; i < BATCH; i++) System.arraycopy(raw[i], 0, layered, i * classes, classes);
            assertClose(expected, layered, name + ", layer by layer");
            float[] compiled = new float[BATCH * classes];
            try (CompiledModel c = CompiledModel.of(model, BATCH); Predictor p = c.newPredictor()) {
                p.predict(images, compiled);
            }
            assertClose(expected, compiled, name + ", compiled");
        }
    }

    @Test
    void anUnsupportedOperatorIsNamedWithTheNodeAndTheSupportedList() throws IOException {
        Path file = Files.createTempFile("jdnn-lrn", ".onnx");
        try {
            Files.write(file, OnnxTestModels.singleNode("LRN", "lrn_node"));
            OnnxImportException e = assertThrows(OnnxImportException.class, () -> SimpleCNN.load(file));
            assertTrue(e.getMessage().contains("node 'lrn_node' (LRN)") && e.getMessage().contains("supported: Conv"),
                    e.getMessage());
        } finally {
            Files.delete(file);
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertArrayEquals(new int[] {expected.length}, new int[] {actual.length}, what);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= 1e-4 * scale, what + ": max difference " + worst + " over max output " + scale);
    }
}
