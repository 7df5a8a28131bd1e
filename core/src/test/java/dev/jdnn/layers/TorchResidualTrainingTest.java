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
 * Issue 16's training cross-check, its residual part: a graph with an identity shortcut around a dilated convolution
 * and its batch norm, a 1x1-convolution-and-batch-norm projection shortcut around a strided one, a grouped
 * convolution, global average pooling and a dense layer, from PyTorch's initial weights, trained three Adam steps on
 * cross-entropy in training mode (fixture residual_steps of src/test/python/make_layer_fixtures.py). Each step's loss
 * must match PyTorch's to 1e-4 relative, and every parameter and running statistic after the last step to 1e-3: the
 * gradients that meet at a shortcut's input and at the add must both arrive. The convolutions before a batch norm
 * have no bias, as in TorchDilatedGroupedTrainingTest's reason.
 */
class TorchResidualTrainingTest {
    private static final int BATCH = 4;
    private static final int CLASSES = 5;
    private static final double LOSS_TOLERANCE = 1e-4;
    private static final double PARAMETER_TOLERANCE = 1e-3;
    private static final List<String> NORMS = List.of("bn1", "bn2", "bn3");

    /** The nodes are named after PyTorch's modules; a batch norm's parameters take jdnn's names. */
    private static Graph graph() {
        ActivationFunction relu = ActivationFunction.RELU;
        GraphBuilder b = new GraphBuilder(4, 8, 8);
        GraphBuilder.Value x = b.input();
        GraphBuilder.Value y = b.apply("bn1", new BatchNorm2D(4, 0.9, 1e-5), // PyTorch's momentum 0.1
                b.apply("conv1", new Convolution2D(4, 4, 3, 1, Pads.of(2), 2, 1).withoutBias(), x));
        x = b.apply("relu1", new Activation(relu), b.apply("add1", new Add(), y, x));
        y = b.apply("bn2", new BatchNorm2D(8, 0.9, 1e-5),
                b.apply("conv2", new Convolution2D(4, 8, 3, 2, Pads.of(1), 1, 1).withoutBias(), x));
        GraphBuilder.Value shortcut = b.apply("bn3", new BatchNorm2D(8, 0.9, 1e-5),
                b.apply("proj", new Convolution2D(4, 8, 1, 2, Padding.VALID).withoutBias(), x));
        x = b.apply("relu2", new Activation(relu), b.apply("add2", new Add(), y, shortcut));
        x = b.apply("relu3", new Activation(relu), b.apply("conv3", new Convolution2D(8, 8, 3, 1, Pads.of(1), 1, 4), x));
        x = b.apply("flatten", new Flatten(), b.apply("pool", new GlobalAveragePooling2D(), x));
        return b.build(b.apply("dense", new Dense(8, CLASSES), x));
    }

    /** PyTorch's name of a jdnn parameter. */
    private static String torchName(String name) {
        String module = name.substring(0, name.indexOf('.'));
        if (!NORMS.contains(module)) return name;
        String kind = name.substring(module.length() + 1);
        return module + "." + switch (kind) {
            case "scale" -> "weight";
            case "shift" -> "bias";
            case "running_variance" -> "running_var";
            default -> kind;
        };
    }

    @Test
    void adamStepsOnAResidualDilatedGroupedGraphMatchPyTorch() {
        TorchFixture fixture = TorchFixture.load("residual_steps");
        float[] losses = fixture.data("losses");
        try (Network network = new Network(graph()); Arena arena = Arena.ofConfined()) {
            List<Parameter> parameters = network.parameters().parameters();
            assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var",
                    "conv2.weight", "bn2.weight", "bn2.bias", "bn2.running_mean", "bn2.running_var", "proj.weight",
                    "bn3.weight", "bn3.bias", "bn3.running_mean", "bn3.running_var", "conv3.weight", "conv3.bias",
                    "dense.weight", "dense.bias"), parameters.stream().map(p -> torchName(p.spec().name())).toList(),
                    "parameter order");
            for (Parameter parameter : parameters) {
                String name = "before." + torchName(parameter.spec().name());
                long[] dims = fixture.shape(name);
                // PyTorch's dense weight is [out, in]; the pooled 8 x 1 x 1 flattens to the same 8 inputs.
                assertArrayEquals(dims, parameter.spec().dims(), name + " dims");
                parameter.value().copyFrom(MemorySegment.ofArray(fixture.data(name)));
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
            for (Parameter parameter : network.parameters().parameters()) {
                String name = torchName(parameter.spec().name());
                assertClose(fixture.data("after." + name), parameter.value().toArray(ValueLayout.JAVA_FLOAT),
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
