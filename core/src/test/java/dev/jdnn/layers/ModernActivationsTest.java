package dev.jdnn.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.layers.ActivationHarness.Difference;
import java.util.Arrays;
import java.util.stream.DoubleStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ReLU6, hard-sigmoid, hard-swish, SiLU and both GELUs at and around their kinks (-3, 0, 3, 6): forward
 * against the naive double formula, backward against the analytic derivative (with oneDNN's values at the
 * kinks, see {@link #derivative}) and against central differences of the formula away from the kinks; both
 * against PyTorch 1.13 (fixture activations.json, from src/test/python/make_layer_fixtures.py).
 */
class ModernActivationsTest {
    /**
     * f32 arithmetic and oneDNN's erf and tanh approximations against double, relative to max(1, |expected|):
     * the largest seen is 5.3e-7, gelu at -3 (oneDNN's erf).
     */
    private static final double FORWARD_TOLERANCE = 1e-6;
    /** As forward; the largest seen is 3.7e-7 (gelu-tanh at -5). */
    private static final double BACKWARD_TOLERANCE = 1e-6;
    private static final double[] KINKS = {-3, 0, 3, 6};
    /** Finite differences step by this much and skip inputs closer than twice that to a kink. */
    private static final double STEP = 1e-5;

    static Stream<Activation> activations() {
        return Stream.of(ActivationFunction.RELU6, ActivationFunction.HARD_SIGMOID, ActivationFunction.HARD_SWISH,
                ActivationFunction.SWISH, ActivationFunction.GELU, ActivationFunction.GELU_TANH).map(Activation::new);
    }

    /** Each kink, points just beside it, and a grid over [-8, 8], all exact in float. */
    static float[] inputs() {
        DoubleStream nearKinks = Arrays.stream(KINKS).flatMap(k -> DoubleStream.of(k - 0.125, k - 1.0 / 1024, k,
                k + 1.0 / 1024, k + 0.125));
        DoubleStream grid = DoubleStream.iterate(-8, x -> x <= 8, x -> x + 0.375);
        double[] x = DoubleStream.concat(nearKinks, grid).toArray();
        float[] values = new float[x.length];
        for (int i = 0; i < x.length; i++) values[i] = (float) x[i];
        return values;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void forwardAndBackwardMatchTheFormulaAtAndAroundTheKinks(Activation activation) {
        float[] x = inputs();
        long[] dims = {1, x.length};
        float[] r = ActivationHarness.uniform(x.length, x.length, -1, 1);
        try (ActivationHarness h = new ActivationHarness()) {
            LayerPlan plan = h.plan(activation, h.plain(x, dims), Mode.TRAINING);
            plan.bindGradOutput(h.plain(r, dims));
            plan.forward();
            plan.backward();
            float[] y = h.read(plan.output());
            float[] gradient = h.read(plan.gradInput());

            Difference forward = ActivationHarness.compare(ActivationReference.forward(activation, x, dims), y);
            assertTrue(forward.relative() <= FORWARD_TOLERANCE, activation.name() + " forward: " + forward);

            double[] analytic = new double[x.length];
            for (int i = 0; i < x.length; i++) analytic[i] = derivative(activation.function(), x[i]) * r[i];
            Difference backward = ActivationHarness.compare(analytic, gradient);
            assertTrue(backward.relative() <= BACKWARD_TOLERANCE, activation.name() + " backward: " + backward);

            int checked = 0;
            for (int i = 0; i < x.length; i++) {
                if (nearAKink(x[i])) continue;
                double difference = (ActivationReference.apply(activation, x[i] + STEP)
                        - ActivationReference.apply(activation, x[i] - STEP)) / (2 * STEP) * r[i];
                assertTrue(Math.abs(difference - analytic[i]) <= 1e-8, activation.name() + " at " + x[i]
                        + ": the derivative " + analytic[i] + " differs from finite differences " + difference);
                assertTrue(Math.abs(gradient[i] - difference) <= BACKWARD_TOLERANCE * Math.max(1, Math.abs(difference)),
                        activation.name() + " at " + x[i] + ": backward " + gradient[i] + ", finite differences "
                                + difference);
                checked++;
            }
            assertTrue(checked > x.length / 2, "finite differences checked only " + checked + " of " + x.length);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"relu6", "hard-sigmoid", "hard-swish", "silu", "gelu", "gelu-tanh"})
    void forwardAndBackwardMatchPyTorch(String label) {
        TorchFixture fixture = TorchFixture.load("activations");
        float[] x = fixture.data("input");
        float[] r = fixture.data("R");
        long[] dims = fixture.shape("input");
        try (ActivationHarness h = new ActivationHarness()) {
            LayerPlan plan = h.plan(Activation.parse(label), h.plain(x, dims), Mode.TRAINING);
            plan.bindGradOutput(h.plain(r, dims));
            plan.forward();
            plan.backward();
            Difference forward = ActivationHarness.compare(widen(fixture.data(label + ".output")),
                    h.read(plan.output()));
            assertTrue(forward.relative() <= FORWARD_TOLERANCE, label + " forward against PyTorch: " + forward);

            double[] expected = widen(fixture.data(label + ".grad"));
            float[] gradient = h.read(plan.gradInput());
            if (label.equals("hard-swish")) {
                // Not compared at the kinks, where conventions differ: see derivative for oneDNN's values.
                for (int i = 0; i < x.length; i++) {
                    if (Math.abs(x[i]) == 3) {
                        expected[i] = 0;
                        gradient[i] = 0;
                    }
                }
            }
            Difference backward = ActivationHarness.compare(expected, gradient);
            assertTrue(backward.relative() <= BACKWARD_TOLERANCE, label + " backward against PyTorch: " + backward);
        }
    }

    private static double[] widen(float[] values) {
        double[] wide = new double[values.length];
        for (int i = 0; i < values.length; i++) wide[i] = values[i];
        return wide;
    }

    private static boolean nearAKink(double x) {
        return Arrays.stream(KINKS).anyMatch(k -> Math.abs(x - k) < 2 * STEP);
    }

    /**
     * The derivative written from the formula, with oneDNN's values at the kinks: relu6 and hard-sigmoid
     * pass the gradient only strictly inside (0, 6) and (-3, 3), as PyTorch; hard-swish's is (2x + 3) / 6
     * strictly inside (-3, 3), so 0 at -3 and 1 at 3. PyTorch 1.13 takes -1/2 at -3, and at 3 takes 3/2 in
     * its scalar loop but 1 in its vectorized one (64 elements); all are one-sided derivatives.
     */
    private static double derivative(ActivationFunction f, double x) {
        return switch (f) {
            case RELU6 -> x > 0 && x < 6 ? 1 : 0;
            case HARD_SIGMOID -> x > -3 && x < 3 ? 1.0 / 6 : 0;
            case HARD_SWISH -> x <= -3 ? 0 : x < 3 ? (2 * x + 3) / 6 : 1;
            case SWISH -> {
                double s = 1 / (1 + Math.exp(-x));
                yield s + x * s * (1 - s);
            }
            case GELU -> (1 + ActivationReference.erf(x / Math.sqrt(2))) / 2
                    + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
            case GELU_TANH -> {
                double k = Math.sqrt(2 / Math.PI);
                double t = Math.tanh(k * (x + 0.044715 * x * x * x));
                yield (1 + t) / 2 + x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x) / 2;
            }
            default -> throw new IllegalArgumentException(f + " is not tested here");
        };
    }
}
