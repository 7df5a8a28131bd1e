package dev.jdnn.layers;

import static dev.jdnn.layers.BatchNormReference.assertClose;
import static dev.jdnn.layers.BatchNormReference.toDouble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BatchNorm2D / BatchNorm1D against PyTorch 1.13 (BatchNorm2d / BatchNorm1d, momentum 0.1, eps 1e-5):
 * three training steps, the last step's output and gradients, the running statistics, then the eval
 * output. Fixtures come from src/test/python/make_batchnorm_fixtures.py.
 */
class BatchNormPyTorchTest {
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"batchnorm2d", "batchnorm1d"})
    void matchesPyTorchOverTrainingStepsAndInEval(String name) throws IOException {
        JsonNode f = fixture(name);
        long[] shape = longs(f.get("input_shape"));
        long channels = shape[1];
        double momentum = f.get("momentum").asDouble();
        double epsilon = f.get("epsilon").asDouble();
        BatchNorm layer = shape.length == 4 ? new BatchNorm2D(channels, momentum, epsilon)
                : new BatchNorm1D(channels, momentum, epsilon);
        float[] scale = floats(f.get("scale"));
        float[] shift = floats(f.get("shift"));
        float[] runningMean;
        float[] runningVariance;
        try (BatchNormHarness training = new BatchNormHarness(layer, shape, Mode.TRAINING)) {
            training.parameter(0, scale);
            training.parameter(1, shift);
            float[] output = null;
            for (JsonNode step : f.get("inputs")) {
                training.input(floats(step));
                output = training.forward();
            }
            assertClose(name + " last training output", output, doubles(f.get("last_output")), TOLERANCE);
            assertClose(name + " gradInput", training.backward(floats(f.get("grad_output"))),
                    doubles(f.get("grad_input")), TOLERANCE);
            assertClose(name + " scale gradient", training.grad(0), doubles(f.get("grad_scale")), TOLERANCE);
            assertClose(name + " shift gradient", training.grad(1), doubles(f.get("grad_shift")), TOLERANCE);
            runningMean = training.parameter(2);
            runningVariance = training.parameter(3);
            assertClose(name + " running mean", runningMean, doubles(f.get("running_mean")), TOLERANCE);
            assertClose(name + " running variance", runningVariance, doubles(f.get("running_variance")), TOLERANCE);
        }
        try (BatchNormHarness eval = new BatchNormHarness(layer, longs(f.get("eval_shape")), Mode.INFERENCE)) {
            eval.parameter(0, scale);
            eval.parameter(1, shift);
            eval.parameter(2, runningMean);
            eval.parameter(3, runningVariance);
            eval.input(floats(f.get("eval_input")));
            assertClose(name + " eval output", eval.forward(), doubles(f.get("eval_output")), TOLERANCE);
        }
    }

    private static JsonNode fixture(String name) throws IOException {
        String path = "/fixtures/layers/" + name + ".json";
        try (InputStream in = BatchNormPyTorchTest.class.getResourceAsStream(path)) {
            if (in == null) throw new IOException("missing test resource " + path);
            return new ObjectMapper().readTree(in);
        }
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = array.get(i).asLong();
        return out;
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) array.get(i).asDouble();
        return out;
    }

    private static double[] doubles(JsonNode array) {
        return toDouble(floats(array));
    }
}
