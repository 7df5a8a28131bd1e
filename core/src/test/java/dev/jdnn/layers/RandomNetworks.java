package dev.jdnn.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.Random;

/**
 * Networks SimpleCNN cannot build, checked against their own inference plan: random parameters and images, the
 * plan's logits, and the comparison relative to the largest logit.
 */
public final class RandomNetworks {
    private RandomNetworks() {}

    /** Random weights in [-1, 1), and batch-norm statistics away from the identity: variances in [0.5, 2). */
    public static void randomize(Network network, Random random) {
        for (Parameter p : network.parameters().parameters()) {
            for (long i = 0; i < p.spec().elementCount(); i++) {
                float v = p.spec().kind() == ParameterSpec.Kind.RUNNING_VARIANCE ? 0.5f + 1.5f * random.nextFloat()
                        : random.nextFloat() * 2 - 1;
                p.value().setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
            }
        }
    }

    /** {@code batch} images of the per-sample {@code shape}, pixels in [-1, 1). */
    public static float[] images(Random random, int batch, long[] shape) {
        long count = batch;
        for (long d : shape) count *= d;
        float[] images = new float[Math.toIntExact(count)];
        for (int i = 0; i < images.length; i++) images[i] = random.nextFloat() * 2 - 1;
        return images;
    }

    /** The logits of the network's own inference plan for {@code batch} images, row after row. */
    public static float[] inferenceLogits(Network network, int batch, float[] images) {
        Network.Compiled plan = network.plan(batch, Mode.INFERENCE);
        plan.input().copyFrom(images);
        plan.plan().forward();
        network.synchronize();
        return plan.plan().output().toArray();
    }

    /** Fails unless every logit is within {@code tolerance} times the largest |expected logit|; prints the worst. */
    public static void assertWithinLargestLogit(float[] expected, float[] actual, double tolerance, String what) {
        double scale = 1e-6;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        double worst = 0;
        for (int i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        String report = String.format(Locale.ROOT, "%s: largest difference %.3g of the largest logit %.3g",
                what, worst, scale);
        System.out.println(report);
        assertTrue(worst <= tolerance * scale, report);
    }
}
