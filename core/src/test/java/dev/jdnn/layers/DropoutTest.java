package dev.jdnn.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.runtime.FormatTag;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Inverted dropout: mask statistics, exact scaling, reproducibility, identity in inference, backward. */
class DropoutTest {
    @ParameterizedTest(name = "rate {0}")
    @ValueSource(doubles = {0.1, 0.5, 0.9})
    void dropsTheRateAndScalesTheRestExactly(double rate) {
        long[] dims = {1000, 1000};
        int n = ActivationHarness.size(dims);
        try (ActivationHarness h = new ActivationHarness()) {
            float[] x = ActivationHarness.awayFromZero(1, n, 5, 0.01);
            LayerPlan plan = h.plan(new Dropout(rate, 42), h.plain(x, dims), Mode.TRAINING);
            plan.forward();
            float[] y = h.read(plan.output());
            float scale = (float) (1 / (1 - rate));
            int zeros = 0;
            for (int i = 0; i < n; i++) {
                if (y[i] == 0) {
                    zeros++;
                } else if (y[i] != x[i] * scale) {
                    throw new AssertionError("element " + i + ": kept " + x[i] + " must become " + x[i] * scale
                            + ", got " + y[i]);
                }
            }
            double fraction = (double) zeros / n;
            double sigma = Math.sqrt(rate * (1 - rate) / n);
            assertTrue(Math.abs(fraction - rate) <= 5 * sigma,
                    "dropped " + fraction + " of " + n + " elements, expected " + rate + " +- " + 5 * sigma);
        }
    }

    @Test
    void theMaskIsAFunctionOfSeedAndStep() {
        long[] dims = {64, 100};
        float[] x = ActivationHarness.uniform(2, 6400, 1, 2);
        float[][] seed7 = masks(new Dropout(0.5, 7), x, dims, 0, 4);
        float[][] again = masks(new Dropout(0.5, 7), x, dims, 0, 4);
        float[][] resumed = masks(new Dropout(0.5, 7), x, dims, 2, 2);
        float[][] seed8 = masks(new Dropout(0.5, 8), x, dims, 0, 1);
        for (int step = 0; step < 4; step++) assertArrayEquals(seed7[step], again[step], "same seed, step " + step);
        assertArrayEquals(seed7[2], resumed[0], "setStep(2) replays step 2");
        assertArrayEquals(seed7[3], resumed[1], "and then step 3");
        assertFalse(Arrays.equals(seed7[0], seed8[0]), "another seed gives another mask");
        for (int step = 1; step < 4; step++) {
            // Independent masks drop an element in both steps with probability rate^2 = 0.25.
            double both = fractionBothDropped(seed7[step - 1], seed7[step]);
            assertTrue(Math.abs(both - 0.25) < 0.03, "steps " + (step - 1) + " and " + step + " both drop " + both);
        }
    }

    /** The outputs of {@code count} forward passes from step {@code first} on, each in its own fresh plan's arena. */
    private static float[][] masks(Dropout layer, float[] x, long[] dims, long first, int count) {
        try (ActivationHarness h = new ActivationHarness()) {
            DropoutPlan plan = (DropoutPlan) h.plan(layer, h.plain(x, dims), Mode.TRAINING);
            assertEquals(0, plan.step(), "a new plan starts at step 0");
            plan.setStep(first);
            float[][] out = new float[count][];
            for (int i = 0; i < count; i++) {
                plan.forward();
                out[i] = h.read(plan.output());
                assertEquals(first + i + 1, plan.step(), "forward advances the step");
            }
            return out;
        }
    }

    private static double fractionBothDropped(float[] a, float[] b) {
        int both = 0;
        for (int i = 0; i < a.length; i++) if (a[i] == 0 && b[i] == 0) both++;
        return (double) both / a.length;
    }

    @Test
    void backwardAppliesTheMaskOfTheForwardPass() {
        long[] dims = {3, 2, 5, 7};
        int n = ActivationHarness.size(dims);
        try (ActivationHarness h = new ActivationHarness()) {
            float[] x = ActivationHarness.awayFromZero(3, n, 2, 0.01);
            float[] dy = ActivationHarness.uniform(4, n, -1, 1);
            LayerPlan plan = h.plan(new Dropout(0.3, 5), h.plain(x, dims), Mode.TRAINING);
            plan.bindGradOutput(h.inLayout(FormatTag.NHWC, dy, dims));
            for (int step = 0; step < 3; step++) {
                plan.forward();
                plan.backward();
                float[] y = h.read(plan.output());
                float[] dx = h.read(plan.gradInput());
                assertTrue(plan.gradInput().desc().sameAs(plan.output().desc()), "gradInput has the input's layout");
                for (int i = 0; i < n; i++) {
                    float expected = y[i] == 0 ? 0 : dy[i] * (float) (1 / 0.7);
                    assertEquals(expected, dx[i], 0f, "step " + step + ", element " + i + " (output " + y[i] + ")");
                }
            }
        }
    }

    @Test
    void blockedInputsKeepTheirLayoutAndZeroPadding() {
        Convolution2D conv = new Convolution2D(3, 20, 3, 1, Padding.SAME);
        long[] inDims = {2, 3, 6, 5};
        try (ActivationHarness h = new ActivationHarness()) {
            ParameterBlock block = new ParameterBlock(conv.parameters(new long[] {3, 6, 5}), h.arena);
            float[] w = ActivationHarness.uniform(5, (int) block.trainableFloats(), -0.5, 0.5);
            MemorySegment.copy(w, 0, block.values(), ValueLayout.JAVA_FLOAT, 0, w.length);
            Tensor image = h.plain(ActivationHarness.uniform(6, ActivationHarness.size(inDims), -1, 1), inDims);
            LayerPlan convPlan = conv.plan(h.context, image, Mode.TRAINING, block.parameters(), false);
            Tensor x = convPlan.output();
            assertFalse(x.isPlain(), "the test needs a blocked convolution output");
            assertTrue(x.desc().byteSize() > x.elementCount() * Float.BYTES, "20 channels in blocks of 8 or 16 pad");
            LayerPlan plan = h.plan(new Dropout(0.5, 9), x, Mode.TRAINING);
            int n = Math.toIntExact(x.elementCount());
            float[] dy = ActivationHarness.uniform(7, n, -1, 1);
            plan.bindGradOutput(h.plain(dy, x.dims()));
            convPlan.forward();
            plan.forward();
            plan.backward();
            assertTrue(plan.output().desc().sameAs(x.desc()), "output keeps the input's layout");
            float[] in = h.read(x);
            float[] out = h.read(plan.output());
            float[] dx = h.read(plan.gradInput());
            int zeros = 0;
            for (int i = 0; i < n; i++) {
                boolean dropped = out[i] == 0;
                if (dropped) zeros++;
                assertEquals(dropped ? 0 : in[i] * 2, out[i], 0f, "forward, element " + i);
                assertEquals(dropped ? 0 : dy[i] * 2, dx[i], 0f, "backward, element " + i);
            }
            assertTrue(Math.abs(zeros - n / 2.0) < 5 * Math.sqrt(n / 4.0), zeros + " of " + n + " dropped");
            assertEquals(absSum(out), physicalAbsSum(plan.output()), 1e-3, "output padding must stay zero");
            assertEquals(absSum(dx), physicalAbsSum(plan.gradInput()), 1e-3, "gradient padding must stay zero");
        }
    }

    private static double absSum(float[] values) {
        double sum = 0;
        for (float v : values) sum += Math.abs(v);
        return sum;
    }

    private static double physicalAbsSum(Tensor t) {
        MemorySegment s = t.segment();
        double sum = 0;
        for (long i = 0; i < t.desc().byteSize() / Float.BYTES; i++) sum += Math.abs(s.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        return sum;
    }

    @Test
    void inferenceAndRateZeroPassThroughWithoutCopies() {
        try (ActivationHarness h = new ActivationHarness()) {
            Tensor input = h.plain(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor gradient = h.plain(new float[6], 2, 3);
            LayerPlan inference = h.plan(new Dropout(0.5, 1), input, Mode.INFERENCE);
            inference.forward();
            assertSame(input, inference.output(), "inference returns the input tensor");
            assertNull(inference.gradInput(), "an inference plan has no input gradient");
            LayerPlan rateZero = h.plan(new Dropout(0, 1), input, Mode.TRAINING);
            rateZero.bindGradOutput(gradient);
            rateZero.forward();
            rateZero.backward();
            assertSame(input, rateZero.output(), "rate 0 returns the input tensor");
            assertSame(gradient, rateZero.gradInput(), "rate 0 passes the gradient through");
            assertInstanceOf(DropoutPlan.class, h.plan(new Dropout(0.5, 1), input, Mode.TRAINING));
        }
    }

    @Test
    void rejectsRatesOutsideZeroToOne() {
        for (double rate : new double[] {1, -0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Dropout(rate, 0));
            assertEquals("dropout rate must be in [0, 1), got " + rate, e.getMessage());
        }
        try (ActivationHarness h = new ActivationHarness()) {
            DropoutPlan plan = (DropoutPlan) h.plan(new Dropout(0.5, 1), h.plain(new float[4], 2, 2), Mode.TRAINING);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan.setStep(-1));
            assertEquals("dropout(0.5): step must be >= 0, got -1", e.getMessage());
        }
    }

    @Test
    void aTrainingStepAllocatesNothing() {
        long[] dims = {256, 128};
        int n = ActivationHarness.size(dims);
        try (ActivationHarness h = new ActivationHarness()) {
            LayerPlan plan = h.plan(new Dropout(0.5, 3), h.plain(ActivationHarness.uniform(8, n, -1, 1), dims),
                    Mode.TRAINING);
            plan.bindGradOutput(h.plain(ActivationHarness.uniform(9, n, -1, 1), dims));
            ActivationHarness.assertAllocatesNothing("dropout", 3000, 1000, () -> {
                plan.forward();
                plan.backward();
            });
        }
    }
}
