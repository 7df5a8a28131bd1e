package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.SimpleCNNBuilder;
import dev.jdnn.data.Datasets;
import dev.jdnn.layers.ActivationFunction;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the exporter refuses and how it writes; that ORT computes jdnn's logits is {@link OnnxRuntimeParityTest}. */
class OnnxExportTest {
    private static final Datasets.TrainTest DATA = Datasets.embeddedDefault();

    @TempDir
    Path folder;

    private static SimpleCNNBuilder small(ActivationFunction activation) {
        return SimpleCNN.builder().inChannels(List.of(1, 4)).outChannels(8).inFeatures(List.of(8 * 7 * 7, 16))
                .outFeatures(10).activation(activation).initializer("kaiming-normal").epochs(1).batchSize(50).seed(7)
                .threads(1).progress(false);
    }

    private static SimpleCNN fitted(ActivationFunction activation) {
        SimpleCNN model = small(activation).build();
        model.fit(DATA.train().head(100));
        return model;
    }

    @Test
    void swishHasNoOperatorInOpset13AndIsRefusedByName() throws Exception {
        try (SimpleCNN model = fitted(ActivationFunction.SWISH)) {
            OnnxExportException e = assertThrows(OnnxExportException.class,
                    () -> OnnxExport.write(model, folder.resolve("swish.onnx")));
            assertTrue(e.getMessage().contains("swish(beta=1.0)") && e.getMessage().contains("opset 13")
                    && e.getMessage().contains("exportable activations: linear, relu"), e.getMessage());
            assertTrue(e.getMessage().startsWith("layer 0.2: "), "the message names the layer: " + e.getMessage());
            assertEquals(List.of(), files(), "nothing is written for a refused model");
        }
    }

    @Test
    void anUnfittedModelIsRefused() {
        try (SimpleCNN model = small(ActivationFunction.RELU).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> OnnxExport.toBytes(model, OnnxExport.BatchNormMode.FOLDED));
            assertTrue(e.getMessage().contains("not fitted"), e.getMessage());
        }
    }

    @Test
    void aClosedModelIsRefused() {
        SimpleCNN model = fitted(ActivationFunction.RELU);
        model.close();
        assertThrows(IllegalStateException.class, () -> OnnxExport.write(model, folder.resolve("closed.onnx")));
    }

    @Test
    void aLoadedModelExportsTheSameBytesAsTheModelItWasSavedFrom() throws Exception {
        try (SimpleCNN model = fitted(ActivationFunction.RELU)) {
            Path saved = folder.resolve("model.jdnn");
            model.save(saved);
            try (SimpleCNN loaded = SimpleCNN.load(saved)) {
                for (OnnxExport.BatchNormMode mode : OnnxExport.BatchNormMode.values()) {
                    assertArrayEquals(OnnxExport.toBytes(model, mode), OnnxExport.toBytes(loaded, mode), mode.name());
                }
            }
        }
    }

    @Test
    void theFileHoldsExactlyTheBytesAndReplacesAnEarlierOneWhole() throws Exception {
        try (SimpleCNN model = fitted(ActivationFunction.TANH)) {
            Path file = folder.resolve("model.onnx");
            Files.write(file, new byte[3_000_000]); // longer than the export: a file written in place would keep a tail
            OnnxExport.Exported exported = OnnxExport.write(model, file, OnnxExport.BatchNormMode.NODES);
            byte[] expected = OnnxExport.toBytes(model, OnnxExport.BatchNormMode.NODES);
            assertArrayEquals(expected, Files.readAllBytes(file));
            assertEquals(expected.length, exported.bytes());
            assertEquals(List.of("model.onnx"), files(), "no temporary file is left beside it");
            // Folding removes the three batch-norm nodes and their 4 x (4 + 8 + 16) floats of statistics.
            byte[] folded = OnnxExport.toBytes(model, OnnxExport.BatchNormMode.FOLDED);
            assertTrue(folded.length < expected.length, folded.length + " >= " + expected.length);
        }
    }

    @Test
    void aFolderIsNotOverwritten() throws Exception {
        try (SimpleCNN model = fitted(ActivationFunction.RELU)) {
            Path target = Files.createDirectory(folder.resolve("out.onnx"));
            FileSystemException e = assertThrows(FileSystemException.class, () -> OnnxExport.write(model, target));
            assertTrue(e.getMessage().contains("a folder"), e.getMessage());
            assertTrue(Files.isDirectory(target));
        }
    }

    private List<String> files() throws Exception {
        try (Stream<Path> listing = Files.list(folder)) {
            return listing.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
