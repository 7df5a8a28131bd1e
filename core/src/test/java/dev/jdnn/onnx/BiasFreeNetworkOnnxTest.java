package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.GlobalAveragePooling2D;
import dev.jdnn.layers.Mode;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.Parameter;
import dev.jdnn.layers.ParameterSpec;
import dev.jdnn.layers.Sequential;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ONNX Runtime on jdnn's export of convolutions without a bias gives the logits of the network's own inference plan:
 * Conv without its B input, except where batch norm is folded into it, which gives it one.
 */
class BiasFreeNetworkOnnxTest {
    private static final int BATCH = 5;
    private static final long[] IMAGE = {3, 9, 8};

    @ParameterizedTest
    @EnumSource(OnnxExport.BatchNormMode.class)
    void onnxRuntimeGivesTheNetworksLogits(OnnxExport.BatchNormMode batchNorm) throws Exception {
        Random random = new Random(61);
        try (Network network = new Network(new Sequential(List.of(
                new Convolution2D(3, 8, 3, 1, Padding.SAME).withoutBias(), new BatchNorm2D(8),
                new Activation(ActivationFunction.RELU),
                new Convolution2D(8, 8, 3, 2, Padding.SAME, 1, 2).withoutBias(),
                new Activation(ActivationFunction.ELU),
                new GlobalAveragePooling2D(), new Flatten(), new Dense(8, 3))), IMAGE)) {
            for (Parameter p : network.parameters().parameters()) {
                for (long i = 0; i < p.spec().elementCount(); i++) {
                    float v = p.spec().kind() == ParameterSpec.Kind.RUNNING_VARIANCE
                            ? 0.5f + 1.5f * random.nextFloat() : random.nextFloat() * 2 - 1;
                    p.value().setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
                }
            }
            float[] images = new float[Math.toIntExact(BATCH * IMAGE[0] * IMAGE[1] * IMAGE[2])];
            for (int i = 0; i < images.length; i++) images[i] = random.nextFloat() * 2 - 1;
            Network.Compiled plan = network.plan(BATCH, Mode.INFERENCE);
            plan.input().copyFrom(images);
            plan.plan().forward();
            network.synchronize();
            float[] expected = plan.plan().output().toArray();

            OnnxExport.Built built = OnnxExport.build(network, null, batchNorm);
            List<String> operators = batchNorm == OnnxExport.BatchNormMode.FOLDED
                    ? List.of("Conv", "Relu", "Conv", "Elu", "GlobalAveragePool", "Flatten", "Gemm")
                    : List.of("Conv", "BatchNormalization", "Relu", "Conv", "Elu", "GlobalAveragePool", "Flatten",
                            "Gemm");
            assertEquals(operators, built.operators());
            String bytes = new String(built.bytes(), StandardCharsets.ISO_8859_1);
            assertEquals(batchNorm == OnnxExport.BatchNormMode.FOLDED, bytes.contains("0.bias"),
                    "the first Conv has a B input only with batch norm folded into it");
            assertFalse(bytes.contains("3.bias"), "the second Conv has no B input");
            float[][] actual;
            OrtEnvironment ort = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                try (OrtSession session = ort.createSession(built.bytes(), options);
                     OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(images),
                             new long[] {BATCH, IMAGE[0], IMAGE[1], IMAGE[2]});
                     OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
                    actual = (float[][]) result.get(OnnxExport.OUTPUT).orElseThrow().getValue();
                }
            }
            double scale = 1e-6;
            for (float v : expected) scale = Math.max(scale, Math.abs(v));
            double worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(expected[i] - actual[i / 3][i % 3]));
            }
            String report = String.format(Locale.ROOT, "%s: largest difference %.3g of the largest logit %.3g",
                    batchNorm, worst, scale);
            System.out.println(report);
            assertTrue(worst <= 1e-4 * scale, report);
        }
    }
}
