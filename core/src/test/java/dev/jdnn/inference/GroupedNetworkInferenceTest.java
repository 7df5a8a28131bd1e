package dev.jdnn.inference;

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
import dev.jdnn.layers.Pads;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.Parameter;
import dev.jdnn.layers.ParameterSpec;
import dev.jdnn.layers.PoolMode;
import dev.jdnn.layers.Pooling2D;
import dev.jdnn.layers.Sequential;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Locale;
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

    /** Random weights, and batch-norm statistics away from the identity: variances in [0.5, 2). */
    static void randomize(Network network, Random random) {
        for (Parameter p : network.parameters().parameters()) {
            MemorySegment values = p.value();
            for (long i = 0; i < p.spec().elementCount(); i++) {
                float v = p.spec().kind() == ParameterSpec.Kind.RUNNING_VARIANCE ? 0.5f + 1.5f * random.nextFloat()
                        : random.nextFloat() * 2 - 1;
                values.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void compiledLogitsMatchTheNetworksInferencePlan(Layout layout) {
        Random random = new Random(41);
        try (Network network = network()) {
            randomize(network, random);
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
