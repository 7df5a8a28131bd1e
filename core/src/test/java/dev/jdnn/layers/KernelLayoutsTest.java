package dev.jdnn.layers;

import static dev.jdnn.layers.LayerTestBench.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.train.Adam;
import dev.jdnn.train.CrossEntropy;
import dev.jdnn.train.Updater;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A network's training plans keep conv and dense weights in their kernels' layouts ({@link KernelLayouts}): the
 * optimizer then updates them, their gradients and its own state in that arrangement, and everything outside a
 * training step sees them plain.
 */
class KernelLayoutsTest {
    private static final int BATCH = 4;
    private static final int CHANNELS = 16;
    private static final int SIZE = 4;
    private static final int CLASSES = 10;
    private static final List<String> TORCH_NAMES = List.of("conv.weight", "conv.bias", "dense.weight", "dense.bias");

    /** The fixture's network: at these sizes oneDNN trains both weights in blocked layouts. */
    private static Network network() {
        return new Network(new Sequential(List.of(
                new Convolution2D(CHANNELS, CHANNELS, 3, 1, Padding.SAME),
                new Activation(ActivationFunction.RELU),
                new Pooling2D(2, 2, PoolMode.MAX),
                new Flatten(),
                new Dense((long) CHANNELS * (SIZE / 2) * (SIZE / 2), CLASSES))), new long[] {CHANNELS, SIZE, SIZE});
    }

    @Test
    void adamStepsOnWeightsInKernelLayoutsMatchPyTorch() {
        TorchFixture fixture = TorchFixture.load("adam_steps");
        float[] losses = fixture.data("losses");
        try (Network network = network(); Arena arena = Arena.ofConfined()) {
            List<Parameter> parameters = network.parameters().parameters();
            for (int i = 0; i < parameters.size(); i++) {
                parameters.get(i).value().copyFrom(MemorySegment.ofArray(fixture.data(TORCH_NAMES.get(i))));
            }
            Updater adam = new Adam(0.01).bind(network.parameters().trainableFloats(), arena);
            network.arrangeLikeParameters(adam.state());
            for (int step = 0; step < losses.length; step++) {
                Network.Compiled plan = network.plan(BATCH, Mode.TRAINING);
                plan.input().copyFrom(fixture.data("input." + step));
                plan.plan().forward();
                network.synchronize();
                double loss = new CrossEntropy().forwardBackward(plan.plan().output().segment(),
                        labels(fixture.data("labels." + step)), 0, BATCH, CLASSES, plan.gradOutput().segment());
                plan.plan().backward();
                network.synchronize();
                ParameterBlock trained = network.parametersAsTrained();
                adam.step(trained.values(), trained.grads());
                assertEquals(losses[step], loss, 1e-5, "loss of step " + step);
                // As validation does between epochs: the weights, gradients and Adam's moments go plain and back.
                network.parameters();
            }
            // Adam's moments come back plain with the weights, as a checkpoint reads them.
            List<MemorySegment> moments = adam.state();
            for (int i = 0; i < parameters.size(); i++) {
                String name = TORCH_NAMES.get(i);
                Parameter p = parameters.get(i);
                assertClose(fixture.data("after." + name), p.value().toArray(ValueLayout.JAVA_FLOAT), 1e-5,
                        name + " after " + losses.length + " Adam steps");
                long offset = p.value().address() - network.parameters().values().address();
                for (int k = 0; k < 2; k++) {
                    String moment = (k == 0 ? "exp_avg." : "exp_avg_sq.") + name;
                    float[] actual = moments.get(k).asSlice(offset, p.value().byteSize())
                            .toArray(ValueLayout.JAVA_FLOAT);
                    assertCloseRelative(fixture.data(moment), actual, 1e-4, moment);
                }
            }
        }
    }

    @Test
    void trainingPlansRearrangeBothWeightsAndEverythingElseSeesThemPlain() {
        try (Network network = network()) {
            float[] values = random(network.parameters().values(), 1);
            float[] grads = random(network.parameters().grads(), 2);
            network.plan(BATCH, Mode.TRAINING);
            float[] trained = network.parametersAsTrained().values().toArray(ValueLayout.JAVA_FLOAT);
            float[] trainedGrads = network.parametersAsTrained().grads().toArray(ValueLayout.JAVA_FLOAT);
            for (Parameter p : network.parameters().parameters()) {
                int from = offset(network, p);
                int to = from + (int) p.spec().elementCount();
                boolean weight = p.spec().kind() == ParameterSpec.Kind.WEIGHT;
                assertEquals(weight, !Arrays.equals(values, from, to, trained, from, to),
                        p.spec() + (weight ? " must be rearranged" : " must stay plain"));
                assertEquals(weight, !Arrays.equals(grads, from, to, trainedGrads, from, to), p.spec() + "'s gradient");
                assertArrayEquals(sorted(values, from, to), sorted(trained, from, to), p.spec() + " is only permuted");
            }
            assertArrayEquals(values, network.parameters().values().toArray(ValueLayout.JAVA_FLOAT),
                    "values back plain");
            assertArrayEquals(grads, network.parameters().grads().toArray(ValueLayout.JAVA_FLOAT),
                    "gradients back plain");
        }
    }

    @Test
    void plansTakenEarlierArrangeTheParametersForThemselves() {
        try (Network network = network()) {
            random(network.parameters().values(), 4);
            float[] x = new float[BATCH * CHANNELS * SIZE * SIZE];
            for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
            Network.Compiled training = network.plan(BATCH, Mode.TRAINING);
            Network.Compiled inference = network.plan(BATCH, Mode.INFERENCE);
            float[] inferred = run(inference, x);
            // Without batch norm or dropout, training and inference compute the same function.
            float[] trained = run(training, x);
            assertClose(inferred, trained, 1e-5, "a training plan's output");
            network.parameters();
            assertArrayEquals(trained, run(training, x), "a training plan run after the parameters went plain");
            run(training, x);
            assertArrayEquals(inferred, run(inference, x), "an inference plan run after a training plan");
        }
    }

    private static float[] run(Network.Compiled plan, float[] x) {
        plan.input().copyFrom(x);
        plan.plan().forward();
        return plan.plan().output().toArray();
    }

    @Test
    void onlySegmentsOfTheValuesSizeCanFollow() {
        try (Network network = network(); Arena arena = Arena.ofConfined()) {
            long bytes = network.parameters().values().byteSize();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> network.arrangeLikeParameters(List.of(arena.allocate(bytes - 4))));
            assertTrue(e.getMessage().contains(bytes + " bytes"), e.getMessage());
            assertTrue(e.getMessage().contains(String.valueOf(bytes - 4)), e.getMessage());
        }
    }

    @Test
    void aFollowerMovesWithTheWeights() {
        try (Network network = network(); Arena arena = Arena.ofConfined()) {
            MemorySegment follower = arena.allocate(network.parameters().values().byteSize());
            float[] values = random(network.parameters().values(), 3);
            follower.copyFrom(network.parameters().values());
            network.arrangeLikeParameters(List.of(follower));
            network.plan(BATCH, Mode.TRAINING);
            float[] trained = network.parametersAsTrained().values().toArray(ValueLayout.JAVA_FLOAT);
            assertFalse(Arrays.equals(values, trained), "the weights are rearranged");
            assertArrayEquals(trained, follower.toArray(ValueLayout.JAVA_FLOAT), "the follower is arranged alike");
            network.parameters();
            assertArrayEquals(values, follower.toArray(ValueLayout.JAVA_FLOAT), "the follower is plain again");
        }
    }

    /** Every difference within {@code tolerance} times the largest expected magnitude (the moments are small). */
    private static void assertCloseRelative(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": element count");
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(scale > 0, what + " is all zero");
        assertTrue(worst <= tolerance * scale,
                what + ": largest difference " + worst + ", allowed " + tolerance * scale);
    }

    private static int offset(Network network, Parameter p) {
        return (int) ((p.value().address() - network.parameters().values().address()) / Float.BYTES);
    }

    private static float[] random(MemorySegment segment, long seed) {
        Random random = new Random(seed);
        float[] values = new float[(int) (segment.byteSize() / Float.BYTES)];
        for (int i = 0; i < values.length; i++) values[i] = (float) random.nextGaussian();
        segment.copyFrom(MemorySegment.ofArray(values));
        return values;
    }

    private static float[] sorted(float[] values, int from, int to) {
        float[] part = Arrays.copyOfRange(values, from, to);
        Arrays.sort(part);
        return part;
    }

    private static int[] labels(float[] classes) {
        int[] labels = new int[classes.length];
        for (int i = 0; i < labels.length; i++) labels[i] = (int) classes[i];
        return labels;
    }
}
