package dev.jdnn.layers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.layers.ActivationHarness.Difference;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every activation, forward and backward, against naive double references on 2-D and 4-D inputs. */
class ActivationTest {
    /** f32 arithmetic (and oneDNN's vectorized exp) against double: relative to max(1, |expected|). */
    private static final double FORWARD_TOLERANCE = 1e-5;
    private static final double BACKWARD_TOLERANCE = 1e-5;

    static Stream<Activation> activations() {
        Stream<Activation> defaults = Arrays.stream(ActivationFunction.values()).map(Activation::new);
        Stream<Activation> tuned = Stream.of(new Activation(ActivationFunction.LEAKY_RELU, 0.2),
                new Activation(ActivationFunction.ELU, 0.5), new Activation(ActivationFunction.SOFTPLUS, 2),
                new Activation(ActivationFunction.SWISH, 1.5));
        return Stream.concat(defaults, tuned);
    }

    static Stream<Arguments> cases() {
        long[][] shapes = {{1, 7}, {5, 13}, {1, 3, 4, 5}, {2, 3, 5, 7}};
        return activations().flatMap(a -> Arrays.stream(shapes).flatMap(dims -> (dims.length == 4
                ? Stream.of(FormatTag.NCHW, FormatTag.NHWC) : Stream.of(FormatTag.NC)).map(tag -> Arguments.of(a, dims, tag))));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void trainingForwardAndBackwardMatchReferences(Activation activation, long[] dims, FormatTag layout) {
        try (ActivationHarness h = new ActivationHarness()) {
            int n = ActivationHarness.size(dims);
            float[] x = ActivationHarness.awayFromZero(dims.length * 31L + n, n, 3, 0.05);
            Tensor input = h.inLayout(layout, x, dims);
            LayerPlan plan = h.plan(activation, input, Mode.TRAINING);
            float[] r = ActivationHarness.uniform(n + 7L, n, -1, 1);
            plan.bindGradOutput(h.plain(r, dims));
            plan.forward();
            plan.backward();

            Difference forward = ActivationHarness.compare(ActivationReference.forward(activation, x, dims), h.read(plan.output()));
            assertTrue(forward.relative() <= FORWARD_TOLERANCE, activation.name() + " forward: " + forward);
            assertTrue(plan.gradInput().desc().sameAs(input.desc()), "gradInput must have the input's layout");
            Difference backward = ActivationHarness.compare(ActivationReference.gradient(activation, x, r, dims),
                    h.read(plan.gradInput()));
            assertTrue(backward.relative() <= BACKWARD_TOLERANCE, activation.name() + " backward: " + backward);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void inferenceForwardMatchesReferenceAndHasNoGradient(Activation activation) {
        long[] dims = {3, 11};
        try (ActivationHarness h = new ActivationHarness()) {
            float[] x = ActivationHarness.uniform(5, 33, -4, 4);
            LayerPlan plan = h.plan(activation, h.plain(x, dims), Mode.INFERENCE);
            plan.forward();
            Difference forward = ActivationHarness.compare(ActivationReference.forward(activation, x, dims), h.read(plan.output()));
            assertTrue(forward.relative() <= FORWARD_TOLERANCE, activation.name() + " inference forward: " + forward);
            assertNull(plan.gradInput(), "an inference plan has no input gradient");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void runsOnTheBlockedOutputOfAConvolution(Activation activation) {
        long[] inDims = {2, 3, 6, 5};
        Convolution2D conv = new Convolution2D(3, 16, 3, 1, Padding.SAME);
        try (ActivationHarness h = new ActivationHarness()) {
            ParameterBlock block = new ParameterBlock(conv.parameters(new long[] {3, 6, 5}), h.arena);
            float[] weights = ActivationHarness.uniform(11, (int) block.trainableFloats(), -0.5, 0.5);
            MemorySegment.copy(weights, 0, block.values(), ValueLayout.JAVA_FLOAT, 0, weights.length);
            Tensor image = h.plain(ActivationHarness.uniform(12, ActivationHarness.size(inDims), -1, 1), inDims);
            LayerPlan convPlan = conv.plan(h.context, image, Mode.TRAINING, block.parameters(), false);
            assertFalse(convPlan.output().isPlain(), "the test needs a blocked convolution output");
            LayerPlan plan = h.plan(activation, convPlan.output(), Mode.TRAINING);
            long[] dims = convPlan.output().dims();
            int n = ActivationHarness.size(dims);
            float[] r = ActivationHarness.uniform(13, n, -1, 1);
            plan.bindGradOutput(h.plain(r, dims));
            convPlan.forward();
            plan.forward();
            plan.backward();

            float[] x = h.read(convPlan.output());
            assertTrue(plan.output().desc().sameAs(convPlan.output().desc()), "output keeps the blocked layout");
            Difference forward = ActivationHarness.compare(ActivationReference.forward(activation, x, dims), h.read(plan.output()));
            assertTrue(forward.relative() <= FORWARD_TOLERANCE, activation.name() + " blocked forward: " + forward);
            assertTrue(plan.gradInput().desc().sameAs(convPlan.output().desc()), "gradInput has the input's blocked layout");
            Difference backward = ActivationHarness.compare(ActivationReference.gradient(activation, x, r, dims),
                    h.read(plan.gradInput()));
            assertTrue(backward.relative() <= BACKWARD_TOLERANCE, activation.name() + " blocked backward: " + backward);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("softmaxShapes")
    void softmaxSumsToOneOverAxisOne(long[] dims) {
        try (ActivationHarness h = new ActivationHarness()) {
            int n = ActivationHarness.size(dims);
            float[] x = ActivationHarness.uniform(3, n, -20, 20);
            LayerPlan plan = h.plan(new Activation(ActivationFunction.SOFTMAX), h.plain(x, dims), Mode.INFERENCE);
            plan.forward();
            float[] y = h.read(plan.output());
            int channels = (int) dims[1];
            int inner = n / (int) dims[0] / channels;
            double worst = 0;
            for (int b = 0; b < dims[0]; b++) {
                for (int s = 0; s < inner; s++) {
                    double sum = 0;
                    for (int c = 0; c < channels; c++) sum += y[(b * channels + c) * inner + s];
                    worst = Math.max(worst, Math.abs(sum - 1));
                }
            }
            assertTrue(worst <= 1e-6, "softmax sums differ from 1 by up to " + worst);
        }
    }

    static Stream<long[]> softmaxShapes() {
        return Stream.of(new long[] {1, 10}, new long[] {7, 1000}, new long[] {2, 5, 3, 3});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void acceptsAGradientInAnotherLayout(Activation activation) {
        long[] dims = {2, 4, 3, 5};
        try (ActivationHarness h = new ActivationHarness()) {
            int n = ActivationHarness.size(dims);
            float[] x = ActivationHarness.awayFromZero(21, n, 3, 0.05);
            float[] r = ActivationHarness.uniform(22, n, -1, 1);
            LayerPlan plan = h.plan(activation, h.plain(x, dims), Mode.TRAINING);
            plan.bindGradOutput(h.inLayout(FormatTag.NHWC, r, dims));
            plan.forward();
            plan.backward();
            assertTrue(plan.gradInput().isPlain(), "gradInput keeps the plain layout of the input");
            Difference backward = ActivationHarness.compare(ActivationReference.gradient(activation, x, r, dims),
                    h.read(plan.gradInput()));
            assertTrue(backward.relative() <= BACKWARD_TOLERANCE, activation.name() + " backward: " + backward);
        }
    }

    @Test
    void linearIsAPassThroughWithoutCopies() {
        try (ActivationHarness h = new ActivationHarness()) {
            Tensor input = h.plain(new float[6], 2, 3);
            Tensor gradient = h.plain(new float[6], 2, 3);
            LayerPlan plan = h.plan(new Activation(ActivationFunction.LINEAR), input, Mode.TRAINING);
            plan.bindGradOutput(gradient);
            assertSame(input, plan.output(), "linear returns its input tensor");
            assertSame(gradient, plan.gradInput(), "linear passes the gradient through");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void aTrainingStepAllocatesNothing(Activation activation) {
        long[] dims = {8, 4, 6, 6};
        int n = ActivationHarness.size(dims);
        try (ActivationHarness h = new ActivationHarness()) {
            LayerPlan plan = h.plan(activation, h.plain(ActivationHarness.uniform(1, n, -1, 1), dims), Mode.TRAINING);
            plan.bindGradOutput(h.plain(ActivationHarness.uniform(2, n, -1, 1), dims));
            ActivationHarness.assertAllocatesNothing(activation.name(), 500, 1000, () -> {
                plan.forward();
                plan.backward();
            });
        }
    }
}
