package dev.jdnn.layers;

import static dev.jdnn.layers.LayerTestBench.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * A dilated, grouped, asymmetrically padded convolution and average pooling in both count_include_pad conventions
 * against PyTorch (fixtures of src/test/python/make_layer_fixtures.py): outputs, and for L = sum(output * R) the
 * gradients of the input and of the parameters.
 */
class TorchVariantsTest {
    private static final double TOLERANCE = 1e-4;

    @Test
    void dilatedGroupedPaddedConvolutionMatchesPyTorch() {
        TorchFixture fixture = TorchFixture.load("conv_dilated_grouped");
        float[] pads = fixture.data("pads");
        Convolution2D conv = new Convolution2D(4, 6, 3, 1,
                new Pads((long) pads[0], (long) pads[1], (long) pads[2], (long) pads[3]), 2, 2);
        try (LayerTestBench bench = LayerTestBench.training(conv, fixture.shape("input"))) {
            assertArrayEquals(fixture.shape("conv.weight"), bench.parameterList().get(0).spec().dims(), "weight dims");
            assertArrayEquals(fixture.shape("output"), bench.plan.output().dims(), "output dims");
            bench.setParameter(0, fixture.data("conv.weight"));
            bench.setParameter(1, fixture.data("conv.bias"));
            assertClose(fixture.data("output"), bench.forward(fixture.data("input")), TOLERANCE, conv.name() + " output");
            assertClose(fixture.data("grad.input"), bench.backward(fixture.data("R")), TOLERANCE,
                    "gradient of the input");
            assertClose(fixture.data("grad.conv.weight"), bench.grad(0), TOLERANCE, "gradient of the weights");
            assertClose(fixture.data("grad.conv.bias"), bench.grad(1), TOLERANCE, "gradient of the bias");
        }
    }

    @Test
    void averagePoolingMatchesPyTorchInBothConventions() {
        TorchFixture fixture = TorchFixture.load("avg_pool");
        for (boolean include : new boolean[] {true, false}) {
            String key = include ? "include" : "exclude";
            Pooling2D pool = new Pooling2D(3, 2, PoolMode.AVG, Pads.of(1), include);
            try (LayerTestBench bench = LayerTestBench.training(pool, fixture.shape("input"))) {
                assertArrayEquals(fixture.shape(key + ".output"), bench.plan.output().dims(), key + " output dims");
                assertClose(fixture.data(key + ".output"), bench.forward(fixture.data("input")), TOLERANCE,
                        pool.name() + " output");
                assertClose(fixture.data(key + ".grad.input"), bench.backward(fixture.data(key + ".R")), TOLERANCE,
                        pool.name() + " gradient of the input");
            }
        }
    }
}
