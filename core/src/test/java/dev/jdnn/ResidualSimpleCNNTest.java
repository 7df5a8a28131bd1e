package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import dev.jdnn.io.JacksonTrees;
import dev.jdnn.io.ModelFormatException;
import dev.jdnn.layers.Add;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Graph;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.ParameterSpec;
import dev.jdnn.onnx.OnnxExport;
import dev.jdnn.train.History;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SimpleCNN's residual parameter: each conv block becomes activation(bn(conv(x)) + shortcut(x)) then its pooling,
 * the shortcut the identity where the shapes match and a strided 1x1 convolution with batch norm where they do not.
 * On the embedded Fashion-MNIST subset it trains, its model file keeps it, the compiled model and ONNX Runtime (on
 * jdnn's export) give its logits. PyTorch checks the training arithmetic of such blocks in TorchResidualTrainingTest.
 */
class ResidualSimpleCNNTest {
    private static final int IMAGES = 100;
    private static final Path FILE = Path.of("test.jdnn");
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void data() {
        Datasets.TrainTest data = Datasets.embeddedDefault();
        train = data.train().head(1_000);
        test = data.test().head(IMAGES);
    }

    /** Block 0 (1 -> 8 channels) needs a projection, block 1 (8 -> 8 at 14 x 14) an identity: 28 -> 14 -> 7. */
    private static SimpleCNNBuilder residual() {
        return SimpleCNN.builder().inChannels(List.of(1, 8)).outChannels(8).inFeatures(List.of(8 * 7 * 7, 32))
                .outFeatures(10).filterSize(3).residual(true).initializer("kaiming-normal").epochs(3).batchSize(50)
                .learningRate(0.003).seed(0).threads(1).progress(false);
    }

    private static List<String> names(Graph graph) {
        return graph.nodes().stream().map(Graph.Node::name).toList();
    }

    @Test
    void aProjectionWhereTheChannelsChangeAndTheIdentityWhereTheShapesMatch() {
        Graph graph = Architecture.build(residual().build().config(), new long[] {1, 28, 28});
        assertEquals(List.of("0.0", "0.1", "0.shortcut.0", "0.shortcut.1", "0.add", "0.2", "0.3",
                "1.0", "1.1", "1.add", "1.2", "1.3", "2", "3.0", "3.1", "3.2", "3.3", "4"), names(graph));
        int projection = names(graph).indexOf("0.shortcut.0");
        assertEquals(new Convolution2D(1, 8, 1, 1, Padding.SAME).withoutBias(),
                graph.node(projection).op());
        assertEquals(List.of(0), graph.node(projection).inputs(), "the projection reads the block's input");
        assertEquals(new BatchNorm2D(8, 0.9, BatchNorm2D.DEFAULT_EPSILON), graph.node(projection + 1).op());
        assertArrayEquals(new long[] {8, 28, 28}, graph.shape(projection + 2), "projection output");
        int add0 = names(graph).indexOf("0.add");
        assertEquals(new Add(), graph.node(add0).op());
        assertEquals(List.of(2, 4), graph.node(add0).inputs(), "bn(conv(x)) + bn(projection(x))");
        // Block 1's identity: the add reads the output of block 0's pooling, the block's input.
        int add1 = names(graph).indexOf("1.add");
        int block1Input = names(graph).indexOf("0.3") + 1;
        assertEquals(List.of(add1, block1Input), graph.node(add1).inputs(), "bn(conv(x)) + x (node j gives value j + 1)");
        assertArrayEquals(new long[] {8, 14, 14}, graph.shape(add1 + 1), "identity output");
        assertEquals(List.of("0.0.weight", "0.0.bias", "0.1.scale", "0.1.shift", "0.1.running_mean",
                        "0.1.running_variance", "0.shortcut.0.weight", "0.shortcut.1.scale", "0.shortcut.1.shift",
                        "0.shortcut.1.running_mean", "0.shortcut.1.running_variance"),
                graph.parameters().subList(0, 11).stream().map(ParameterSpec::name).toList());
    }

    @Test
    void aStrideGivesTheProjectionThatStrideAndNoBatchNormMeansABiasAndNoNorm() {
        Graph strided = Architecture.build(residual().inChannels(List.of(1, 8)).stride(2).pooling(false)
                .inFeatures(List.of(8 * 7 * 7, 32)).build().config(), new long[] {1, 28, 28});
        // 8 -> 8 channels, but the stride halves the image: a projection with stride 2.
        int projection = names(strided).indexOf("1.shortcut.0");
        assertEquals(new Convolution2D(8, 8, 1, 2, Padding.SAME).withoutBias(),
                strided.node(projection).op());
        assertArrayEquals(new long[] {8, 7, 7}, strided.shape(projection + 2));

        Graph plain = Architecture.build(residual().batchNorm(false).build().config(), new long[] {1, 28, 28});
        assertEquals(List.of("0.0", "0.shortcut.0", "0.add", "0.1", "0.2", "1.0", "1.add", "1.1", "1.2", "2", "3.0",
                "3.1", "3.2", "4"), names(plain));
        assertEquals(new Convolution2D(1, 8, 1, 1, Padding.SAME), plain.node(1).op(), "with a bias");
    }

    @Test
    void withoutResidualTheGraphIsTheChainItWas() {
        SimpleCNNConfig config = residual().residual(false).build().config();
        Graph graph = Architecture.build(config, new long[] {1, 28, 28});
        assertEquals(List.of("0.0", "0.1", "0.2", "0.3", "1.0", "1.1", "1.2", "1.3", "2", "3.0", "3.1", "3.2", "3.3",
                "4"), names(graph));
        assertTrue(graph.nodes().stream().noneMatch(n -> n.op() instanceof Add), graph.toString());
    }

    @Test
    void validPaddingWithAWideFilterIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> residual().padding("valid").inFeatures(List.of(8 * 5 * 5, 32)).build());
        assertEquals("residual needs padding 'same' (or filter_size 1): padding 'valid' with filter_size 3 shrinks"
                + " each block's image, and the shortcut cannot", e.getMessage());
        // A 1x1 filter keeps the size under 'valid' too.
        Graph graph = Architecture.build(residual().padding("valid").filterSize(1).build().config(),
                new long[] {1, 28, 28});
        assertTrue(names(graph).contains("1.add"), graph.toString());
    }

    @Test
    void theConfigKeepsResidualAndAnOlderConfigWithoutItReadsAsNone() throws Exception {
        SimpleCNNConfig config = residual().build().config();
        assertTrue(config.residual());
        String text = ConfigJson.write(config).toString();
        assertTrue(text.contains("\"residual\":true"), text);
        assertEquals(config, ConfigJson.read(JacksonTrees.fromJackson(JacksonTrees.parse(text)), FILE));
        SimpleCNNConfig plain = residual().residual(false).build().config();
        assertEquals(plain, ConfigJson.read(JacksonTrees.fromJackson(JacksonTrees.parse(
                ConfigJson.write(plain).toString())), FILE));

        ObjectNode old = JacksonTrees.edit(ConfigJson.write(config));
        old.remove("residual");
        SimpleCNNConfig read = ConfigJson.read(JacksonTrees.fromJackson(old), FILE);
        assertFalse(read.residual(), "a file from before residual has none");
        assertEquals(plain, read);

        ObjectNode wrong = JacksonTrees.edit(ConfigJson.write(config));
        wrong.put("residual", "yes");
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> ConfigJson.read(JacksonTrees.fromJackson(wrong), FILE));
        assertTrue(e.getMessage().contains("'residual'"), e.getMessage());
    }

    @Test
    void theDefaultIsNoResidual() {
        try (SimpleCNN model = SimpleCNN.builder().build()) {
            assertFalse(model.config().residual());
            assertFalse(model.summary(1, 8, 16).contains("add"), model.summary(1, 8, 16));
        }
    }

    @Test
    void trainsSavesCompilesAndExportsWithShortcuts(@TempDir Path dir) throws Exception {
        try (SimpleCNN model = residual().build()) {
            String summary = model.summary(1, 28, 28);
            // The blocks keep their label; each shows its shortcut's layers and the add among its own.
            for (String row : List.of(
                    "ConvBlock2D                        [8, 14, 14]           96       24",
                    "  conv2d(1->8, 1x1, same, no bias) [8, 28, 28]            8        0",
                    "  add                              [8, 28, 28]            0        0",
                    "ConvBlock2D                        [8, 7, 7]            584       16",
                    "  add                              [8, 14, 14]            0        0",
                    "total: 13690 trainable parameters (13576 weights, 114 biases), 112 batch-norm statistics")) {
                assertTrue(summary.contains(row), row + " in\n" + summary);
            }
            History history = model.fit(train);
            assertTrue(history.last().trainLoss() < history.epochs().getFirst().trainLoss(),
                    "the loss must fall: " + history.epochs());
            float[][] logits = model.predictRaw(test);

            Path file = dir.resolve("residual.jdnn");
            model.save(file);
            try (SimpleCNN loaded = SimpleCNN.load(file)) {
                assertTrue(loaded.config().residual());
                assertArrayEquals(model.network().parameters().values().toArray(ValueLayout.JAVA_FLOAT),
                        loaded.network().parameters().values().toArray(ValueLayout.JAVA_FLOAT), "weights");
                float[][] reloaded = loaded.predictRaw(test);
                for (int i = 0; i < IMAGES; i++) assertArrayEquals(logits[i], reloaded[i], "logits of image " + i);
            }

            LogitsAssert.assertClose(logits, compiledLogits(model), 1e-5, "compiled model vs predictRaw");

            Path onnx = dir.resolve("residual.onnx");
            OnnxExport.write(model, onnx);
            LogitsAssert.assertClose(logits, ortLogits(onnx), 1e-4, "ONNX Runtime vs predictRaw");
        }
    }

    private static float[][] compiledLogits(SimpleCNN model) {
        try (CompiledModel compiled = CompiledModel.of(model, IMAGES); Predictor predictor = compiled.newPredictor()) {
            float[] flat = new float[IMAGES * compiled.outputSize()];
            predictor.predict(test.toArray(), flat);
            float[][] rows = new float[IMAGES][];
            for (int i = 0; i < IMAGES; i++) {
                rows[i] = Arrays.copyOfRange(flat, i * compiled.outputSize(), (i + 1) * compiled.outputSize());
            }
            return rows;
        }
    }

    private static float[][] ortLogits(Path onnx) throws Exception {
        OrtEnvironment ort = OrtEnvironment.getEnvironment();
        long[] shape = {IMAGES, test.channels(), test.height(), test.width()};
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = ort.createSession(onnx.toString(), options);
                 OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(test.toArray()), shape);
                 OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
                return (float[][]) result.get(OnnxExport.OUTPUT).orElseThrow().getValue();
            }
        }
    }
}
