package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.SimpleCNNBuilder;
import dev.jdnn.data.Datasets;
import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Sequential;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
    void swishWithABetaOtherThanOneHasNoOperatorsInOpset13AndIsRefusedByName() {
        try (Network network = new Network(new Sequential(List.of(new Dense(3, 2),
                new Activation(ActivationFunction.SWISH, 1.5))), new long[] {3})) {
            OnnxExportException e = assertThrows(OnnxExportException.class,
                    () -> OnnxGraph.of(network, OnnxExport.BatchNormMode.FOLDED));
            assertTrue(e.getMessage().contains("swish(beta=1.5)") && e.getMessage().contains("opset 13")
                    && e.getMessage().contains("exportable activations: linear, relu"), e.getMessage());
            assertTrue(e.getMessage().startsWith("layer 1: "), "the message names the layer: " + e.getMessage());
        }
    }

    /** Opset 13 lacks HardSwish, Gelu and Swish: they are written as their formulas (ORT runs them: parity test). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("activationOperators")
    void activationsWithoutAnOperatorOfTheirOwnAreWrittenAsTheirFormulas(ActivationFunction activation,
                                                                          List<String> operators) {
        try (Network network = new Network(new Sequential(List.of(new Dense(3, 2), new Activation(activation))),
                new long[] {3})) {
            OnnxGraph graph = OnnxGraph.of(network, OnnxExport.BatchNormMode.FOLDED);
            List<String> expected = new ArrayList<>(List.of("Gemm"));
            expected.addAll(operators);
            assertEquals(expected, graph.operators());
        }
    }

    static Stream<Arguments> activationOperators() {
        return Stream.of(Arguments.of(ActivationFunction.SWISH, List.of("Sigmoid", "Mul")),
                Arguments.of(ActivationFunction.RELU6, List.of("Clip")),
                Arguments.of(ActivationFunction.HARD_SIGMOID, List.of("HardSigmoid")),
                Arguments.of(ActivationFunction.HARD_SWISH, List.of("HardSigmoid", "Mul")),
                Arguments.of(ActivationFunction.GELU, List.of("Div", "Erf", "Add", "Mul", "Mul")),
                Arguments.of(ActivationFunction.GELU_TANH, List.of("Mul", "Mul", "Mul", "Add", "Mul", "Tanh", "Add",
                        "Mul", "Mul")));
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
