package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.runtime.OneDnn;
import org.junit.jupiter.api.Test;

/**
 * bf16 inference: on a CPU with native bf16 it predicts the same classes as f32 for nearly all of the
 * embedded test set, with logits a few bf16 roundings away; elsewhere it is refused by name.
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
