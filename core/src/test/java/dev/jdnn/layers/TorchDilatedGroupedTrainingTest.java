package dev.jdnn.layers;

import static dev.jdnn.layers.LayerTestBench.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.train.Adam;
import dev.jdnn.train.CrossEntropy;
import dev.jdnn.train.Updater;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's training cross-check, its dilated and grouped part: Conv2d(4->8, 3x3, dilation 2, padding 2, groups 2)
 * -> ReLU -> BatchNorm2d(8) -> depthwise Conv2d(8->8, 3x3, padding 1, groups 8) -> ReLU -> MaxPool2d(2) -> Flatten
 * -> Linear(128->5), from PyTorch's initial weights, trained three Adam steps on cross-entropy in training mode
 * (fixture dilated_grouped_steps of src/test/python/make_layer_fixtures.py). Each step's loss must match PyTorch's
 * to 1e-4 relative, and every parameter and running statistic after the last step to 1e-3. Batch norm follows the
 * ReLU because right after a convolution it would cancel that convolution's bias: the bias's gradient would be
 * rounding noise, which Adam scales up to steps of about its learning rate, differently in each library. The residual
 * part is TorchResidualTrainingTest.
 */
class TorchDilatedGroupedTrainingTest {
    private static final int BATCH = 4;
    private static final int CLASSES = 5;
    private static final double LOSS_TOLERANCE = 1e-4;
    private static final double PARAMETER_TOLERANCE = 1e-3;
    // Sequential names parameters after the index of their layer.
    private static final List<String> JAVA_NAMES = List.of("0.weight", "0.bias", "2.scale", "2.shift",
            "2.running_mean", "2.running_variance", "3.weight", "3.bias", "7.weight", "7.bias");
    private static final List<String> TORCH_NAMES = List.of("conv1.weight", "conv1.bias", "bn.weight", "bn.bias",
            "bn.running_mean", "bn.running_var", "conv2.weight", "conv2.bias", "dense.weight", "dense.bias");

    private static Network network() {
        return new Network(new Sequential(List.of(
                new Convolution2D(4, 8, 3, 1, Pads.of(2), 2, 2),
                new Activation(ActivationFunction.RELU),
                new BatchNorm2D(8, 0.9, 1e-5), // PyTorch's momentum 0.1
                new Convolution2D(8, 8, 3, 1, Pads.of(1), 1, 8),
                new Activation(ActivationFunction.RELU),
                new Pooling2D(2, 2, PoolMode.MAX),
                new Flatten(),
                new Dense(8 * 4 * 4, CLASSES))), new long[] {4, 8, 8});
    }

    @Test
    void adamStepsOnADilatedGroupedNetworkMatchPyTorch() {
        TorchFixture fixture = TorchFixture.load("dilated_grouped_steps");
        float[] losses = fixture.data("losses");
        try (Network network = network(); Arena arena = Arena.ofConfined()) {
            List<Parameter> parameters = network.parameters().parameters();
            assertEquals(JAVA_NAMES, parameters.stream().map(p -> p.spec().name()).toList(), "parameter order");
            for (int i = 0; i < parameters.size(); i++) {
                String name = "before." + TORCH_NAMES.get(i);
                assertArrayEquals(fixture.shape(name), parameters.get(i).spec().dims(), name + " dims");
                parameters.get(i).value().copyFrom(MemorySegment.ofArray(fixture.data(name)));
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
                assertEquals(losses[step], loss, LOSS_TOLERANCE * Math.abs(losses[step]), "loss of step " + step);
            }
            parameters = network.parameters().parameters();
            for (int i = 0; i < parameters.size(); i++) {
                String name = TORCH_NAMES.get(i);
                assertClose(fixture.data("after." + name), parameters.get(i).value().toArray(ValueLayout.JAVA_FLOAT),
                        PARAMETER_TOLERANCE, name + " after " + losses.length + " Adam steps");
            }
        }
    }

    private static int[] labels(float[] classes) {
        int[] labels = new int[classes.length];
        for (int i = 0; i < labels.length; i++) labels[i] = (int) classes[i];
        return labels;
    }
}
