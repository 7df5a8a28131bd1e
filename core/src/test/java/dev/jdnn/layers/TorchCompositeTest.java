package dev.jdnn.layers;

import static dev.jdnn.layers.LayerTestBench.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Conv2d(2->4, 3x3, padding 1) -> MaxPool2d(2) -> Flatten -> Linear(36->5) against PyTorch: the output of
 * one forward and, for L = sum(output * R), the gradients of the input and of every parameter.
 */
class TorchCompositeTest {
    private static final double TOLERANCE = 1e-4;

    @Test
    void convPoolDenseMatchesPyTorch() {
        TorchFixture fixture = TorchFixture.load("conv_pool_dense");
        Sequential net = new Sequential(List.of(
                new Convolution2D(2, 4, 3, 1, Padding.SAME),
                new Pooling2D(2, 2, PoolMode.MAX),
                new Flatten(),
                new Dense(36, 5)));
        // Sequential names parameters after the index of their layer.
        List<String> javaNames = List.of("0.weight", "0.bias", "3.weight", "3.bias");
        List<String> torchNames = List.of("conv.weight", "conv.bias", "dense.weight", "dense.bias");
        try (LayerTestBench bench = LayerTestBench.training(net, fixture.shape("input"))) {
            List<Parameter> parameters = bench.parameterList();
            assertEquals(javaNames, parameters.stream().map(p -> p.spec().name()).toList(), "parameter order");
            for (int i = 0; i < parameters.size(); i++) {
                assertArrayEquals(fixture.shape(torchNames.get(i)), parameters.get(i).spec().dims(),
                        torchNames.get(i) + " dims");
                bench.setParameter(i, fixture.data(torchNames.get(i)));
            }
            assertClose(fixture.data("output"), bench.forward(fixture.data("input")), TOLERANCE, "output");
            assertClose(fixture.data("grad.input"), bench.backward(fixture.data("R")), TOLERANCE,
                    "gradient of the input");
            for (int i = 0; i < parameters.size(); i++) {
                assertClose(fixture.data("grad." + torchNames.get(i)), bench.grad(i), TOLERANCE,
                        "gradient of " + torchNames.get(i));
            }
        }
    }
}
