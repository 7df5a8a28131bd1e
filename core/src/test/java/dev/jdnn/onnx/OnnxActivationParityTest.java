package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.Mode;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Sequential;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each activation alone, exported and run in ONNX Runtime over [-8, 8] in steps of 1/64 (every kink of relu6 and
 * the hard functions, -3, 0, 3 and 6, included exactly), against jdnn's own forward: the trained networks of
 * {@link OnnxRuntimeParityTest} rarely reach the clamps at 3 and 6.
 */
class OnnxActivationParityTest {
    /** |ORT - jdnn| relative to max(1, |jdnn|): float32 formulas evaluated in another order keep within 1e-6. */
    private static final double TOLERANCE = 1e-4;
    private static final int POINTS = 16 * 64 + 1;

    @ParameterizedTest
    @EnumSource(value = ActivationFunction.class, names = "LINEAR", mode = EnumSource.Mode.EXCLUDE)
    void ortComputesJdnnsActivation(ActivationFunction function) throws Exception {
        float[] x = new float[POINTS];
        for (int i = 0; i < POINTS; i++) x[i] = -8 + i / 64f;
        try (Network network = new Network(new Sequential(List.of(new Activation(function))), new long[] {POINTS})) {
            Network.Compiled plan = network.plan(1, Mode.INFERENCE);
            plan.input().copyFrom(x);
            plan.plan().forward();
            network.synchronize();
            float[] jdnn = plan.plan().output().toArray();
            float[] ort = runInOrt(OnnxGraph.of(network, OnnxExport.BatchNormMode.FOLDED), x);
            double worst = 0;
            int at = 0;
            for (int i = 0; i < POINTS; i++) {
                double difference = Math.abs(ort[i] - jdnn[i]) / Math.max(1, Math.abs(jdnn[i]));
                if (!(difference <= worst)) {
                    worst = difference;
                    at = i;
                }
            }
            System.out.printf(Locale.ROOT, "%s: largest difference %.3g at x = %s%n", function.label(), worst, x[at]);
            assertTrue(worst <= TOLERANCE, function.label() + ": ORT gives " + ort[at] + " at x = " + x[at]
                    + ", jdnn " + jdnn[at]);
        }
    }

    /** The graph as a model of input [1, POINTS] to output [1, POINTS], run once. */
    private static float[] runInOrt(OnnxGraph graph, float[] x) throws Exception {
        List<OnnxMessages.Dim> dims = List.of(OnnxMessages.Dim.of(1), OnnxMessages.Dim.of(POINTS));
        ProtoWriter graphMessage = OnnxMessages.graph("activation", "", graph.nodes(), graph.initializers(),
                List.of(OnnxMessages.floatValueInfo(OnnxExport.INPUT, dims)),
                List.of(OnnxMessages.floatValueInfo(OnnxExport.OUTPUT, dims)));
        byte[] model = OnnxMessages.model(OnnxExport.IR_VERSION, OnnxExport.OPSET, "jdnn", "test", "", Map.of(),
                graphMessage).toByteArray();
        OrtEnvironment ort = OrtEnvironment.getEnvironment();
        try (OrtSession session = ort.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(x), new long[] {1, POINTS});
             OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
            return ((float[][]) result.get(OnnxExport.OUTPUT).orElseThrow().getValue())[0];
        }
    }
}
