package dev.jdnn.layers;

import static dev.jdnn.layers.BinaryOpTest.assertMentions;
import static dev.jdnn.layers.LayerTestBench.assertClose;
import static dev.jdnn.layers.LayerTestBench.dot;
import static dev.jdnn.layers.LayerTestBench.random;
import static dev.jdnn.layers.LayerTestBench.toDouble;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jdnn.layers.Graph.Node;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Graphs with merges trained through {@link Network}: every parameter gradient matches central finite differences
 * of the loss L = sum(output * r), so a value read by several nodes gets the sum of their gradients (GraphPlan's
 * fan-out sums), through Add, Mul and Concat reading the blocked outputs of convolutions. Each loss is at most
 * quadratic in any one parameter, so central differences are exact but for rounding.
 */
class GraphMergeGradientTest {
    private static final double TOLERANCE = 1e-3;
    private static final double STEP = 0.05;
    private static final long BATCH = 2;
    private static final long[] IMAGE = {3, 6, 6};

    static Stream<Arguments> graphs() {
        return Stream.of(
                // The convolution's output is read by the branch and the addition.
                Arguments.of("residual", Graph.of(IMAGE, List.of(
                        new Node("conv", conv(3, 16, 3), List.of(0)),
                        new Node("branch", conv(16, 16, 3), List.of(1)),
                        new Node("add", new Add(), List.of(1, 2)),
                        new Node("flat", new Flatten(), List.of(3)),
                        new Node("fc", new Dense(16 * 36, 5), List.of(4))))),
                // The stem is read by two branches and the concat; its parts start on blocks of 16 channels.
                Arguments.of("branches", Graph.of(IMAGE, List.of(
                        new Node("stem", conv(3, 16, 3), List.of(0)),
                        new Node("wide", conv(16, 16, 3), List.of(1)),
                        new Node("narrow", conv(16, 4, 1), List.of(1)),
                        new Node("join", new Concat(3), List.of(2, 1, 3)),
                        new Node("flat", new Flatten(), List.of(4)),
                        new Node("fc", new Dense(36 * 36, 5), List.of(5))))),
                // Squeeze-and-excitation-like: per-channel means scale (broadcast first) and shift (broadcast
                // second) the convolution's output, which the pooling and the product both read.
                Arguments.of("channel scaling", Graph.of(IMAGE, List.of(
                        new Node("conv", conv(3, 16, 3), List.of(0)),
                        new Node("pool", new GlobalAveragePooling2D(), List.of(1)),
                        new Node("scale", new Mul(), List.of(2, 1)),
                        new Node("shift", new Add(), List.of(3, 2)),
                        new Node("flat", new Flatten(), List.of(4)),
                        new Node("fc", new Dense(16 * 36, 5), List.of(5))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void parameterGradientsMatchFiniteDifferencesOfTheLoss(String name, Graph graph) {
        Random random = new Random(name.hashCode());
        try (Network network = new Network(graph)) {
            List<Parameter> parameters = network.parameters().parameters();
            for (Parameter p : parameters) {
                float[] values = random(random, p.spec().elementCount());
                for (int i = 0; i < values.length; i++) values[i] *= 0.5f;
                MemorySegment.copy(values, 0, p.value(), ValueLayout.JAVA_FLOAT, 0, values.length);
            }
            float[] x = random(random, BATCH * Arrays.stream(IMAGE).reduce(1, Math::multiplyExact));
            float[] r = random(random, BATCH * Arrays.stream(graph.outputShape()).reduce(1, Math::multiplyExact));

            Network.Compiled training = network.plan(BATCH, Mode.TRAINING);
            LayerPlan graphPlan = training.plan().children().getFirst();
            assertFalse(graphPlan.children().getFirst().output().isPlain(),
                    "the test needs a blocked convolution output");
            training.input().copyFrom(x);
            training.gradOutput().copyFrom(r);
            training.plan().forward();
            training.plan().backward();
            network.synchronize();
            parameters = network.parameters().parameters(); // plain again, gradients too
            List<float[]> gradients = new ArrayList<>();
            for (Parameter p : parameters) gradients.add(p.grad().toArray(ValueLayout.JAVA_FLOAT));

            Network.Compiled inference = network.plan(BATCH, Mode.INFERENCE);
            inference.input().copyFrom(x);
            for (int k = 0; k < parameters.size(); k++) {
                MemorySegment values = parameters.get(k).value();
                int count = gradients.get(k).length;
                int stride = Math.max(1, count / 40); // a spread-out sample of the larger tensors
                List<Double> expected = new ArrayList<>();
                List<Float> actual = new ArrayList<>();
                for (int j = 0; j < count; j += stride) {
                    float saved = values.getAtIndex(ValueLayout.JAVA_FLOAT, j);
                    values.setAtIndex(ValueLayout.JAVA_FLOAT, j, (float) (saved + STEP));
                    double plus = loss(network, inference, r);
                    values.setAtIndex(ValueLayout.JAVA_FLOAT, j, (float) (saved - STEP));
                    double minus = loss(network, inference, r);
                    values.setAtIndex(ValueLayout.JAVA_FLOAT, j, saved);
                    expected.add((plus - minus) / (2 * STEP));
                    actual.add(gradients.get(k)[j]);
                }
                float[] sampled = new float[actual.size()];
                for (int i = 0; i < sampled.length; i++) sampled[i] = actual.get(i);
                assertClose(expected.stream().mapToDouble(Double::doubleValue).toArray(), sampled, TOLERANCE,
                        name + ": gradient of " + parameters.get(k).spec().name());
            }
        }
    }

    private static double loss(Network network, Network.Compiled plan, float[] r) {
        plan.plan().forward();
        network.synchronize();
        return dot(toDouble(plan.plan().output().toArray()), r);
    }

    @Test
    void mergesThatDoNotFitAreRefusedWhenTheGraphIsBuilt() {
        IllegalArgumentException add = assertThrows(IllegalArgumentException.class, () -> Graph.of(IMAGE, List.of(
                new Node("conv", conv(3, 16, 3), List.of(0)),
                new Node("add", new Add(), List.of(1, 0)))));
        assertMentions(add, "add", "[16, 6, 6]", "[3, 6, 6]");
        IllegalArgumentException mul = assertThrows(IllegalArgumentException.class, () -> Graph.of(IMAGE, List.of(
                new Node("conv", new Convolution2D(3, 8, 2, 2, Padding.SAME), List.of(0)),
                new Node("pool", new GlobalAveragePooling2D(), List.of(1)),
                new Node("mul", new Mul(), List.of(0, 2)))));
        assertMentions(mul, "mul", "[3, 6, 6]", "[8, 1, 1]");
        IllegalArgumentException concat = assertThrows(IllegalArgumentException.class, () -> Graph.of(IMAGE,
                List.of(new Node("conv", new Convolution2D(3, 8, 2, 2, Padding.SAME), List.of(0)),
                        new Node("join", new Concat(2), List.of(0, 1)))));
        assertMentions(concat, "concat(2)", "[3, 6, 6]", "[8, 3, 3]");
    }

    private static Convolution2D conv(long in, long out, long filter) {
        return new Convolution2D(in, out, filter, 1, Padding.SAME);
    }
}
