package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.W1;
import dev.jdnn.data.Dataset;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.runtime.OneDnn;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * bf16 inference: on a CPU with native bf16 it predicts the same classes as f32 for nearly all of the
 * embedded test set, with logits a few bf16 roundings away, and W1's test accuracy within 0.3 points of f32's;
 * elsewhere it is refused by name.
 */
class Bf16Test {
    private static final int BATCH = 100;

    @Test
    void bf16AgreesWithF32OnTheEmbeddedTestSet() {
        Dataset test = Models.DATA.test();
        try (SimpleCNN model = Models.small(ActivationFunction.RELU, true, true).epochs(2).build()) {
            model.fit(Models.DATA.train().head(2_000));
            if (!OneDnn.supportsBf16()) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> CompiledModel.of(model, BATCH, Precision.BF16));
                assertTrue(e.getMessage().contains("bf16") && e.getMessage().contains(OneDnn.isa()), e.getMessage());
                return;
            }
            float[][] f32 = predict(model, Precision.F32, test);
            float[][] bf16 = predict(model, Precision.BF16, test);
            int agree = 0;
            double maxDiff = 0;
            double maxLogit = 0;
            for (int i = 0; i < test.count(); i++) {
                if (argmax(f32[i]) == argmax(bf16[i])) agree++;
                for (int c = 0; c < f32[i].length; c++) {
                    maxDiff = Math.max(maxDiff, Math.abs(f32[i][c] - bf16[i][c]));
                    maxLogit = Math.max(maxLogit, Math.abs(f32[i][c]));
                }
            }
            double agreement = (double) agree / test.count();
            System.out.printf("bf16 vs f32 on %d test images: classes agree for %.1f%%, largest logit difference %.4f"
                    + " (largest |logit| %.2f)%n", test.count(), 100 * agreement, maxDiff, maxLogit);
            assertTrue(agreement >= 0.97, "bf16 and f32 classes agree for only " + agree + " of " + test.count());
            assertTrue(maxDiff > 0, "bf16 logits equal the f32 ones exactly: the bf16 path was not taken");
            assertTrue(maxDiff <= 0.05 * maxLogit, "largest logit difference " + maxDiff + " exceeds 5% of the largest"
                    + " logit " + maxLogit);
        }
    }

    /**
     * Issue 6's requirement on W1: bf16's test accuracy within 0.3 points of f32's. W1's model, fitted for one
     * epoch on 2,000 embedded training images, is scored on the 1,000 embedded test images (so 0.3 points are
     * 3 images) through the f32 and bf16 compiled models; {@code bench w1} reports the same drop on the full
     * test set as {@code test_acc_bf16_drop_points}.
     */
    @Test
    void bf16TestAccuracyOfW1IsWithinAThirdOfAPointOfF32() {
        assumeTrue(OneDnn.supportsBf16(), "no native bf16 on " + OneDnn.isa());
        Dataset test = Models.DATA.test();
        try (SimpleCNN model = W1.model(1).progress(false).threads(2).build()) {
            model.fit(Models.DATA.train().head(2_000));
            double f32 = accuracy(predict(model, Precision.F32, test), test);
            double bf16 = accuracy(predict(model, Precision.BF16, test), test);
            double evaluated = model.evaluate(test).accuracy();
            System.out.printf("W1 on %d embedded test images: f32 %.4f, bf16 %.4f (%+.2f points), model.evaluate %.4f%n",
                    test.count(), f32, bf16, 100 * (bf16 - f32), evaluated);
            assertTrue(f32 > 0.6, "W1 after one epoch scores only " + f32 + ": the comparison would say little");
            assertEquals(evaluated, f32, 0.0015, "the f32 compiled model and model.evaluate disagree on the accuracy");
            assertTrue(Math.abs(bf16 - f32) <= 0.003, String.format(Locale.ROOT,
                    "bf16 test accuracy %.4f is %.2f points from f32's %.4f; at most 0.3 allowed", bf16,
                    100 * Math.abs(bf16 - f32), f32));
        }
    }

    private static double accuracy(float[][] logits, Dataset test) {
        int correct = 0;
        for (int i = 0; i < test.count(); i++) if (argmax(logits[i]) == test.label(i)) correct++;
        return (double) correct / test.count();
    }

    private static float[][] predict(SimpleCNN model, Precision precision, Dataset test) {
        try (CompiledModel compiled = CompiledModel.of(model, BATCH, precision);
             Predictor predictor = compiled.newPredictor()) {
            return CompiledModelTest.predictBatches(predictor, test, BATCH);
        }
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
        return best;
    }
}
