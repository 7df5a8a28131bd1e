package dev.jdnn.layers;

import static dev.jdnn.layers.LayerTestBench.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Conv2d(2->4, 3x3, same) -> BatchNorm2d(4, training) -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(36->5)
 * against PyTorch 1.13: the output, every gradient of L = sum(output * R), and the running statistics
 * after the step (seed momentum 0.9 = PyTorch's 0.1).
 */
class TorchFullBlockTest {
    private static final double TOLERANCE = 1e-4;

    @Test
    void convBatchNormReluPoolDenseMatchesPyTorch() {
        TorchFixture fixture = TorchFixture.load("conv_bn_relu_pool_dense");
        Sequential net = new Sequential(List.of(
                new Convolution2D(2, 4, 3, 1, Padding.SAME),
                new BatchNorm2D(4, 0.9, 1e-5),
                new Activation(ActivationFunction.RELU),
                new Pooling2D(2, 2, PoolMode.MAX),
                new Flatten(),
                new Dense(36, 5)));
        List<String> javaNames = List.of("0.weight", "0.bias", "1.scale", "1.shift", "1.running_mean",
                "1.running_variance", "5.weight", "5.bias");
        List<String> torchNames = List.of("conv.weight", "conv.bias", "bn.weight", "bn.bias",
                "bn.running_mean_before", "bn.running_var_before", "dense.weight", "dense.bias");
        try (LayerTestBench bench = LayerTestBench.training(net, fixture.shape("input"))) {
            List<Parameter> parameters = bench.parameterList();
            assertEquals(javaNames, parameters.stream().map(p -> p.spec().name()).toList(), "parameter order");
            for (int i = 0; i < parameters.size(); i++) bench.setParameter(i, fixture.data(torchNames.get(i)));
            assertClose(fixture.data("output"), bench.forward(fixture.data("input")), TOLERANCE, "output");
            assertClose(fixture.data("grad.input"), bench.backward(fixture.data("R")), TOLERANCE, "gradient of the input");
            for (int i : new int[] {0, 1, 2, 3, 6, 7}) {
                assertClose(fixture.data("grad." + torchNames.get(i)), bench.grad(i), TOLERANCE,
                        "gradient of " + torchNames.get(i));
            }
            assertClose(fixture.data("bn.running_mean_after"),
                    parameters.get(4).value().toArray(ValueLayout.JAVA_FLOAT), TOLERANCE, "running mean");
            assertClose(fixture.data("bn.running_var_after"),
                    parameters.get(5).value().toArray(ValueLayout.JAVA_FLOAT), TOLERANCE, "running variance");
        }
    }
}
