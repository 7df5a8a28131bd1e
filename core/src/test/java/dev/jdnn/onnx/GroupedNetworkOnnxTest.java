package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.GlobalAveragePooling2D;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Pads;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.PoolMode;
import dev.jdnn.layers.Pooling2D;
import dev.jdnn.layers.RandomNetworks;
import dev.jdnn.layers.Sequential;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ONNX Runtime on jdnn's export of the convolution and pooling variants (Conv's dilations, group and asymmetric
 * pads, AveragePool's count_include_pad, GlobalAveragePool) gives the logits of the network's own inference plan.
 */
class GroupedNetworkOnnxTest {
    private static final int BATCH = 5;
    private static final long[] IMAGE = {4, 11, 10};

    @ParameterizedTest
    @EnumSource(OnnxExport.BatchNormMode.class)
    void onnxRuntimeGivesTheNetworksLogits(OnnxExport.BatchNormMode batchNorm) throws Exception {
        Random random = new Random(43);
        try (Network network = new Network(new Sequential(List.of(
                new Convolution2D(4, 8, 3, 1, new Pads(1, 0, 2, 1), 2, 2), new BatchNorm2D(8),
                new Activation(ActivationFunction.RELU),
                new Pooling2D(3, 2, PoolMode.AVG, Pads.of(1), true),
                new Convolution2D(8, 8, 3, 1, Padding.SAME, 1, 8), new BatchNorm2D(8),
                new Activation(ActivationFunction.ELU),
                new Pooling2D(2, 1, PoolMode.AVG, new Pads(1, 0, 0, 1), false),
                new GlobalAveragePooling2D(), new Flatten(), new Dense(8, 3))), IMAGE)) {
            RandomNetworks.randomize(network, random);
            float[] images = RandomNetworks.images(random, BATCH, IMAGE);
            float[] expected = RandomNetworks.inferenceLogits(network, BATCH, images);

            OnnxExport.Built built = OnnxExport.build(network, null, batchNorm);
            List<String> operators = batchNorm == OnnxExport.BatchNormMode.FOLDED
                    ? List.of("Conv", "Relu", "AveragePool", "Conv", "Elu", "AveragePool", "GlobalAveragePool",
                            "Flatten", "Gemm")
                    : List.of("Conv", "BatchNormalization", "Relu", "AveragePool", "Conv", "BatchNormalization",
                            "Elu", "AveragePool", "GlobalAveragePool", "Flatten", "Gemm");
            assertEquals(operators, built.operators());
            float[] actual = OrtLogits.of(built.bytes(), images, new long[] {BATCH, IMAGE[0], IMAGE[1], IMAGE[2]});
            RandomNetworks.assertWithinLargestLogit(expected, actual, 1e-4, batchNorm.toString());
        }
    }
}
