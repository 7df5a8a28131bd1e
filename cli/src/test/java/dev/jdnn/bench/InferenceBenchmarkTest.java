package dev.jdnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.data.Dataset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InferenceBenchmarkTest {
    @Test
    void percentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) sorted[i] = i + 1;
        assertEquals(50, InferenceBenchmark.percentile(sorted, 0.50));
        assertEquals(99, InferenceBenchmark.percentile(sorted, 0.99));
        assertEquals(100, InferenceBenchmark.percentile(sorted, 1.0));
        assertEquals(7, InferenceBenchmark.percentile(new long[] {7}, 0.99));
        // 10,000 values, as W1 times: the 5,000th and the 9,900th.
        long[] many = new long[10_000];
        for (int i = 0; i < many.length; i++) many[i] = i + 1;
        assertEquals(5_000, InferenceBenchmark.percentile(many, 0.50));
        assertEquals(9_900, InferenceBenchmark.percentile(many, 0.99));
    }

    /** Every test image once, the last batch short: a target whose class is the image's first pixel. */
    @Test
    void accuracyCountsEveryTestImageOnce() {
        int count = 2 * InferenceBenchmark.BIG_BATCH + 88;
        float[] pixels = new float[count * W1.IMAGE_FLOATS];
        int[] labels = new int[count];
        int expected = 0;
        for (int i = 0; i < count; i++) {
            labels[i] = i % W1.CLASSES;
            boolean right = i % 3 != 0;
            if (right) expected++;
            pixels[i * W1.IMAGE_FLOATS] = right ? labels[i] : (labels[i] + 1) % W1.CLASSES;
        }
        Dataset test = Dataset.of(pixels, count, 1, 28, 28, labels, Dataset.numberedClasses(W1.CLASSES));
        InferenceTarget firstPixel = new InferenceTarget() {
            @Override
            public String path() {
                return "first-pixel";
            }

            @Override
            public int outputSize() {
                return W1.CLASSES;
            }

            @Override
            public void predict(int threads, float[] images, float[] logits) {
                assertEquals(images.length / W1.IMAGE_FLOATS * W1.CLASSES, logits.length, "one row per image");
                Arrays.fill(logits, 0);
                for (int i = 0; i < images.length / W1.IMAGE_FLOATS; i++) {
                    logits[i * W1.CLASSES + (int) images[i * W1.IMAGE_FLOATS]] = 1;
                }
            }
        };
        assertEquals((double) expected / count, InferenceBenchmark.accuracy(firstPixel, test), 1e-12);
    }
}
