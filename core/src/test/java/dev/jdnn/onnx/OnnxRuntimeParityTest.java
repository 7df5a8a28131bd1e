package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.LogitsAssert;
import dev.jdnn.SimpleCNN;
import dev.jdnn.SimpleCNNBuilder;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.PoolMode;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ONNX Runtime 1.29, running jdnn's export of a model, gives the logits jdnn gives for the same model, on real
 * Fashion-MNIST test images: W1's architecture (trained briefly, batch norm folded and as nodes), a variant with
 * another activation, average pooling and no batch norm, and a small network per exportable activation. ORT is an
 * independent implementation of every operator (its own MLAS kernels), so agreement checks the graph, the
 * attributes and every weight's layout.
 */
class OnnxRuntimeParityTest {
    /** Test images compared per model: run at once (the dynamic batch) and the first few one at a time. */
    private static final int IMAGES = 256;
    private static final int SINGLE_IMAGES = 8;
    /**
     * Largest allowed |ORT - jdnn| relative to the largest |logit| of the image's row. Float32 sums in another order
     * (MLAS and oneDNN block their dot products differently) keep every case here within 2e-6; a wrong epsilon,
     * pad or layout moves logits by percents.
     */
    private static final double TOLERANCE = 1e-4;

    private static Dataset train;
    private static Dataset test;
    private static OrtEnvironment ort;

    @TempDir
    Path folder;

    @BeforeAll
    static void loadFashionMnist() throws Exception {
        assumeTrue(Files.isDirectory(Datasets.DEBIAN_FASHION_MNIST),
                "Debian's dataset-fashion-mnist is not installed (.ci/run installs it)");
        Datasets.TrainTest data = Datasets.fashionMnist();
        train = data.train();
        test = data.test().head(IMAGES);
        ort = OrtEnvironment.getEnvironment();
    }

    /** W1 (shared/W1.md) fitted for one epoch on 2,000 images: batch norm statistics well away from the start. */
    private static SimpleCNNBuilder w1() {
        return dev.jdnn.W1.model(1).progress(false).threads(1);
    }

    @ParameterizedTest
    @EnumSource(OnnxExport.BatchNormMode.class)
    void w1GivesJdnnsLogits(OnnxExport.BatchNormMode batchNorm) throws Exception {
        try (SimpleCNN model = fitted(w1(), 2_000)) {
            OnnxExport.Exported exported = OnnxExport.write(model, folder.resolve("w1.onnx"), batchNorm);
            List<String> expected = batchNorm == OnnxExport.BatchNormMode.FOLDED
                    ? List.of("Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm", "Relu", "Gemm")
                    : List.of("Conv", "BatchNormalization", "Relu", "MaxPool", "Conv", "BatchNormalization", "Relu",
                            "MaxPool", "Flatten", "Gemm", "BatchNormalization", "Relu", "Gemm");
            assertEquals(expected, exported.operators());
            assertEquals(Files.size(exported.file()), exported.bytes());
            assertSameLogits(model, exported.file(), "W1 " + batchNorm);
        }
    }

    @Test
    void variantWithEluAveragePoolingAndNoBatchNorm() throws Exception {
        SimpleCNNBuilder variant = w1().activation(ActivationFunction.ELU).poolMode(PoolMode.AVG).batchNorm(false);
        try (SimpleCNN model = fitted(variant, 2_000)) {
            OnnxExport.Exported exported = OnnxExport.write(model, folder.resolve("variant.onnx"));
            assertEquals(List.of("Conv", "Elu", "AveragePool", "Conv", "Elu", "AveragePool", "Flatten", "Gemm", "Elu",
                    "Gemm"), exported.operators());
            assertSameLogits(model, exported.file(), "W1 with elu, average pooling, no batch norm");
        }
    }

    /**
     * Every activation (all are exportable with their default parameter, some as the few operators of their
     * formulas), in a small network with batch norm as nodes and 'valid' convolutions.
     */
    @ParameterizedTest
    @EnumSource(ActivationFunction.class)
    void eachExportableActivation(ActivationFunction activation) throws Exception {
        SimpleCNNBuilder small = SimpleCNN.builder().inChannels(List.of(1, 4)).outChannels(8)
                .inFeatures(List.of(8 * 5 * 5, 16)).outFeatures(10).padding("valid").activation(activation)
                .poolMode(activation.ordinal() % 2 == 0 ? PoolMode.MAX : PoolMode.AVG)
                .initializer("kaiming-normal").epochs(1).batchSize(50).seed(3).threads(1).progress(false);
        try (SimpleCNN model = fitted(small, 500)) {
            Path file = folder.resolve(activation.label() + ".onnx");
            OnnxExport.write(model, file, OnnxExport.BatchNormMode.NODES);
            assertSameLogits(model, file, "small net with " + activation.label());
        }
    }

    @Test
    void theGraphTakesImagesOfAnyBatchAndGivesLogits() throws Exception {
        try (SimpleCNN model = fitted(w1(), 200)) {
            Path file = folder.resolve("w1.onnx");
            OnnxExport.write(model, file);
            try (OrtSession session = ort.createSession(file.toString(), new OrtSession.SessionOptions())) {
                Map<String, NodeInfo> inputs = session.getInputInfo();
                Map<String, NodeInfo> outputs = session.getOutputInfo();
                assertEquals(List.of(OnnxExport.INPUT), List.copyOf(inputs.keySet()));
                assertEquals(List.of(OnnxExport.OUTPUT), List.copyOf(outputs.keySet()));
                assertArrayEquals(new long[] {-1, 1, 28, 28}, ((TensorInfo) inputs.get("images").getInfo()).getShape());
                assertArrayEquals(new long[] {-1, 10}, ((TensorInfo) outputs.get("logits").getInfo()).getShape());
                String names = session.getMetadata().getCustomMetadata().get(OnnxExport.CLASS_NAMES_KEY);
                assertEquals(model.classNames(), List.of(new ObjectMapper().readValue(names, String[].class)),
                        "class names in the metadata: " + names);
                assertEquals("jdnn", session.getMetadata().getProducerName());
            }
        }
    }

    private static SimpleCNN fitted(SimpleCNNBuilder builder, int images) {
        SimpleCNN model = builder.build();
        model.fit(train.head(images), train.tail(200));
        return model;
    }

    /** ORT's logits of the exported file against jdnn's predictRaw and its compiled model, at batch 256 and 1. */
    private static void assertSameLogits(SimpleCNN model, Path file, String what) throws Exception {
        float[][] jdnn = model.predictRaw(test);
        float[][] compiled = compiledLogits(model);
        float[][] batched;
        float[][] single = new float[SINGLE_IMAGES][];
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = ort.createSession(file.toString(), options)) {
                batched = run(session, test.toArray(), IMAGES);
                for (int i = 0; i < SINGLE_IMAGES; i++) single[i] = run(session, test.image(i), 1)[0];
            }
        }
        LogitsAssert.assertClose(jdnn, batched, TOLERANCE, what + ": ORT batch " + IMAGES + " vs jdnn predictRaw");
        LogitsAssert.assertClose(compiled, batched, TOLERANCE,
                what + ": ORT batch " + IMAGES + " vs jdnn's compiled model");
        LogitsAssert.assertClose(Arrays.copyOf(jdnn, SINGLE_IMAGES), single, TOLERANCE,
                what + ": ORT batch 1 vs jdnn predictRaw");
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

    private static float[][] run(OrtSession session, float[] pixels, int count) throws OrtException {
        long[] shape = {count, test.channels(), test.height(), test.width()};
        try (OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(pixels), shape);
             OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
            return (float[][]) result.get(OnnxExport.OUTPUT).orElseThrow().getValue();
        }
    }

}
