package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import dev.jdnn.onnx.OnnxExport;
import dev.jdnn.train.History;
import dev.jdnn.train.OutOfRangeException;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SimpleCNN's dilation (the seed's "Dilated Convolutions") on the embedded Fashion-MNIST subset: it trains, its
 * model file keeps it, the compiled model and ONNX Runtime (on jdnn's export) give its logits.
 */
class DilatedSimpleCNNTest {
    private static final int IMAGES = 100;
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void data() {
        Datasets.TrainTest data = Datasets.embeddedDefault();
        train = data.train().head(1_000);
        test = data.test().head(IMAGES);
    }

    /** Two 3x3 convolutions dilated 2 (each spanning 5 x 5), 'same' padding: 28 -> 14 -> 7 after the pools. */
    private static SimpleCNNBuilder dilated() {
        return SimpleCNN.builder().inChannels(List.of(1, 8)).outChannels(8).inFeatures(List.of(8 * 7 * 7, 32))
                .outFeatures(10).filterSize(3).dilation(2).initializer("kaiming-normal").epochs(3).batchSize(50)
                .learningRate(0.003).seed(0).threads(1).progress(false);
    }

    @Test
    void trainsSavesCompilesAndExportsWithDilation(@TempDir Path dir) throws Exception {
        try (SimpleCNN model = dilated().build()) {
            String summary = model.summary(1, 28, 28);
            // The name column widens to the longest name, so the shapes stay in one column.
            assertTrue(summary.contains("  conv2d(1->8, 3x3, dilation 2, same) [8, 28, 28]"), summary);
            assertTrue(summary.contains("ConvBlock2D                           [8, 14, 14]"), summary);
            History history = model.fit(train);
            assertTrue(history.last().trainLoss() < history.epochs().getFirst().trainLoss(),
                    "the loss must fall: " + history.epochs());
            float[][] logits = model.predictRaw(test);

            Path file = dir.resolve("dilated.jdnn");
            model.save(file);
            try (SimpleCNN loaded = SimpleCNN.load(file)) {
                assertEquals(2, loaded.config().dilation());
                assertArrayEquals(model.network().parameters().values().toArray(ValueLayout.JAVA_FLOAT),
                        loaded.network().parameters().values().toArray(ValueLayout.JAVA_FLOAT), "weights");
                float[][] reloaded = loaded.predictRaw(test);
                for (int i = 0; i < IMAGES; i++) assertArrayEquals(logits[i], reloaded[i], "logits of image " + i);
            }

            LogitsAssert.assertClose(logits, compiledLogits(model), 1e-5, "compiled model vs predictRaw");

            Path onnx = dir.resolve("dilated.onnx");
            OnnxExport.write(model, onnx);
            LogitsAssert.assertClose(logits, ortLogits(onnx), 1e-4, "ONNX Runtime vs predictRaw");
        }
    }

    @Test
    void dilationOutOfRangeIsRefusedWithItsName() {
        for (int bad : new int[] {0, -1}) {
            OutOfRangeException e = assertThrows(OutOfRangeException.class, () -> dilated().dilation(bad).build());
            assertEquals("dilation = " + bad + " is out of range; allowed: > 0", e.getMessage());
        }
    }

    @Test
    void theDefaultIsNoDilation() {
        try (SimpleCNN model = SimpleCNN.builder().build()) {
            assertEquals(1, model.config().dilation());
            assertTrue(model.summary(1, 8, 16).contains("conv2d(1->6, 3x3, same)"), model.summary(1, 8, 16));
        }
    }

    private static float[][] compiledLogits(SimpleCNN model) {
        try (CompiledModel compiled = CompiledModel.of(model, IMAGES); Predictor predictor = compiled.newPredictor()) {
            float[] flat = new float[IMAGES * compiled.outputSize()];
            predictor.predict(test.toArray(), flat);
            float[][] rows = new float[IMAGES][];
            for (int i = 0; i < IMAGES; i++) {
                rows[i] = java.util.Arrays.copyOfRange(flat, i * compiled.outputSize(), (i + 1) * compiled.outputSize());
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
