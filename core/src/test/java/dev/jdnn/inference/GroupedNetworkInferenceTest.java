package dev.jdnn.inference;

import dev.jdnn.data.Preprocessing;
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
 * Compiled inference of the convolution and pooling variants: a dilated grouped convolution with batch norm (folded
 * per output channel, each a run of in / groups * k * k weights), a depthwise one, average pooling that counts its
 * padding and global average pooling give the logits of the network's own inference plan.
 */
class GroupedNetworkInferenceTest {
    private static final int BATCH = 5;
    private static final long[] IMAGE = {4, 11, 10};

    static Network network() {
        return new Network(new Sequential(List.of(
                new Convolution2D(4, 8, 3, 1, new Pads(1, 0, 2, 1), 2, 2), new BatchNorm2D(8),
                new Activation(ActivationFunction.RELU),
                new Pooling2D(3, 2, PoolMode.AVG, Pads.of(1), true),
                new Convolution2D(8, 8, 3, 1, Padding.SAME, 1, 8), new BatchNorm2D(8),
                new Activation(ActivationFunction.ELU),
                new GlobalAveragePooling2D(), new Flatten(), new Dense(8, 3))), IMAGE);
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void compiledLogitsMatchTheNetworksInferencePlan(Layout layout) {
        Random random = new Random(41);
        try (Network network = network()) {
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
