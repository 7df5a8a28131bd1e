package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.data.Preprocessing;
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
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compiled inference of convolutions without a bias: one followed by batch norm (folded into a convolution that
 * gets the bias (0 - mean) * k + t) and one followed by an activation only (compiled with a zero bias) give the
 * logits of the network's own inference plan.
 */
class BiasFreeNetworkInferenceTest {
    private static final int BATCH = 4;
    static final long[] IMAGE = {3, 9, 8};

    static Network network() {
        return new Network(new Sequential(List.of(
                new Convolution2D(3, 8, 3, 1, Padding.SAME).withoutBias(), new BatchNorm2D(8),
                new Activation(ActivationFunction.RELU),
                new Convolution2D(8, 8, 3, 2, Padding.SAME, 1, 2).withoutBias(),
                new Activation(ActivationFunction.ELU),
                new GlobalAveragePooling2D(), new Flatten(), new Dense(8, 3))), IMAGE);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void compiledLogitsMatchTheNetworksInferencePlan(Layout layout) {
        Random random = new Random(47);
        try (Network network = network()) {
            assertEquals(1 + 4 + 1 + 2, network.parameters().parameters().size(), "a weight only for each conv");
            RandomNetworks.randomize(network, random);
            float[] images = RandomNetworks.images(random, BATCH, IMAGE);
            float[] expected = RandomNetworks.inferenceLogits(network, BATCH, images);
            float[] actual = new float[expected.length];
            try (CompiledModel compiled = new CompiledModel(network, Preprocessing.DEFAULT, BATCH, Precision.F32, layout,
                    DenseImplementations.timed()); Predictor predictor = compiled.newPredictor()) {
                predictor.predict(images, actual);
            }
            RandomNetworks.assertWithinLargestLogit(expected, actual, 1e-5, layout.toString());
        }
    }
}
