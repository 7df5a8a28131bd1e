package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.GlobalAveragePooling2D;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.RandomNetworks;
import dev.jdnn.layers.Sequential;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ONNX Runtime on jdnn's export of convolutions without a bias gives the logits of the network's own inference plan:
 * Conv without its B input, except where batch norm is folded into it, which gives it one.
 */
class BiasFreeNetworkOnnxTest {
    private static final int BATCH = 5;
    private static final long[] IMAGE = {3, 9, 8};

    @ParameterizedTest
    @EnumSource(OnnxExport.BatchNormMode.class)
    void onnxRuntimeGivesTheNetworksLogits(OnnxExport.BatchNormMode batchNorm) throws Exception {
        Random random = new Random(61);
        try (Network network = new Network(new Sequential(List.of(
                new Convolution2D(3, 8, 3, 1, Padding.SAME).withoutBias(), new BatchNorm2D(8),
                new Activation(ActivationFunction.RELU),
                new Convolution2D(8, 8, 3, 2, Padding.SAME, 1, 2).withoutBias(),
                new Activation(ActivationFunction.ELU),
                new GlobalAveragePooling2D(), new Flatten(), new Dense(8, 3))), IMAGE)) {
            RandomNetworks.randomize(network, random);
            float[] images = RandomNetworks.images(random, BATCH, IMAGE);
            float[] expected = RandomNetworks.inferenceLogits(network, BATCH, images);

            OnnxExport.Built built = OnnxExport.build(network, null, batchNorm);
            List<String> operators = batchNorm == OnnxExport.BatchNormMode.FOLDED
                    ? List.of("Conv", "Relu", "Conv", "Elu", "GlobalAveragePool", "Flatten", "Gemm")
                    : List.of("Conv", "BatchNormalization", "Relu", "Conv", "Elu", "GlobalAveragePool", "Flatten",
                            "Gemm");
            assertEquals(operators, built.operators());
            String bytes = new String(built.bytes(), StandardCharsets.ISO_8859_1);
            assertEquals(batchNorm == OnnxExport.BatchNormMode.FOLDED, bytes.contains("0.bias"),
                    "the first Conv has a B input only with batch norm folded into it");
            assertFalse(bytes.contains("3.bias"), "the second Conv has no B input");
            float[] actual = OrtLogits.of(built.bytes(), images, new long[] {BATCH, IMAGE[0], IMAGE[1], IMAGE[2]});
            RandomNetworks.assertWithinLargestLogit(expected, actual, 1e-4, batchNorm.toString());
        }
    }
}
