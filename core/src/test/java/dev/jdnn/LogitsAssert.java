package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;

/** Compares rows of logits from two engines or paths, relative to each row's largest |logit|. */
public final class LogitsAssert {
    private LogitsAssert() {}

    /**
     * Fails unless every logit is within {@code tolerance} of its row's largest |logit| (at least 1e-6); prints and
     * reports the largest difference and the row it is in.
     */
    public static void assertClose(float[][] expected, float[][] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": rows");
        double worst = 0;
        int worstRow = -1;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i].length, actual[i].length, what + ": logits of image " + i);
            double scale = 1e-6;
            for (float v : expected[i]) scale = Math.max(scale, Math.abs(v));
            for (int j = 0; j < expected[i].length; j++) {
                double relative = Math.abs(expected[i][j] - actual[i][j]) / scale;
                if (!(relative <= worst)) {
                    worst = relative;
                    worstRow = i;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s: largest difference %.3g of the row's largest logit (image %d)%n", what,
                worst, worstRow);
        assertTrue(worst <= tolerance, String.format(Locale.ROOT, "%s: largest difference %.3g of the row's largest"
                + " logit (image %d) > %.0g; expected %s, actual %s", what, worst, worstRow, tolerance,
                worstRow < 0 ? "-" : Arrays.toString(expected[worstRow]),
                worstRow < 0 ? "-" : Arrays.toString(actual[worstRow])));
    }
}
