package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.data.Preprocessing;
import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.GlobalAveragePooling2D;
import dev.jdnn.layers.Mode;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.Sequential;
import java.util.List;
import java.util.Locale;
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
            GroupedNetworkInferenceTest.randomize(network, random);
            float[] images = new float[Math.toIntExact(BATCH * IMAGE[0] * IMAGE[1] * IMAGE[2])];
            for (int i = 0; i < images.length; i++) images[i] = random.nextFloat() * 2 - 1;
            Network.Compiled plan = network.plan(BATCH, Mode.INFERENCE);
            plan.input().copyFrom(images);
            plan.plan().forward();
            network.synchronize();
            float[] expected = plan.plan().output().toArray();
            float[] actual = new float[expected.length];
            try (CompiledModel compiled = new CompiledModel(network, Preprocessing.DEFAULT, BATCH, Precision.F32, layout,
                    DenseImplementations.timed()); Predictor predictor = compiled.newPredictor()) {
                predictor.predict(images, actual);
            }
            double scale = 1e-6;
            for (float v : expected) scale = Math.max(scale, Math.abs(v));
            double worst = 0;
            for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
            String report = String.format(Locale.ROOT, "%s: largest difference %.3g of the largest logit %.3g",
                    layout, worst, scale);
            System.out.println(report);
            assertTrue(worst <= 1e-5 * scale, report);
        }
    }
}
