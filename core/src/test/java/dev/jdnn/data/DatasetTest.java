package dev.jdnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetTest {
    private static final List<String> THREE = List.of("a", "b", "c");

    /** {@code count} images of 2 x 3 x 2 whose values encode (image, channel, y, x); label = image % 3. */
    static Dataset numbered(int count) {
        float[] pixels = new float[count * 12];
        int[] labels = new int[count];
        for (int n = 0; n < count; n++) {
            for (int i = 0; i < 12; i++) pixels[n * 12 + i] = n * 100 + i;
            labels[n] = n % 3;
        }
        return Dataset.of(pixels, count, 2, 3, 2, labels, THREE);
    }

    @Test
    void flatAndNestedConstructionAgreeOnTheNchwLayout() {
        float[][][][] nested = new float[2][2][3][2];
        float[] flat = new float[24];
        int at = 0;
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 2; c++)
                for (int y = 0; y < 3; y++)
                    for (int x = 0; x < 2; x++) {
                        nested[n][c][y][x] = 1000 * n + 100 * c + 10 * y + x;
                        flat[at++] = nested[n][c][y][x];
                    }
        Dataset a = Dataset.of(nested, new int[] {2, 0}, THREE);
        Dataset b = Dataset.of(flat, 2, 2, 3, 2, new int[] {2, 0}, THREE);

        assertArrayEquals(flat, a.toArray());
        assertArrayEquals(flat, b.toArray());
        assertEquals(1000 + 100 + 20 + 1, a.pixel(1, 1, 2, 1));
        assertEquals(1000 + 100 + 20 + 1, b.pixel(1, 1, 2, 1));
        assertArrayEquals(new int[] {2, 0}, a.labels());
        assertEquals(2, a.count());
        assertEquals(2, a.channels());
        assertEquals(3, a.height());
        assertEquals(2, a.width());
        assertEquals(12, a.imageSize());
        assertEquals(3, a.classCount());
        flat[0] = -1;
        assertEquals(0, b.pixel(0, 0, 0, 0), "the factory copies its input");
    }

    @Test
    void rejectsWrongLengthsAndLabels() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new float[11], 1, 2, 3, 2, new int[] {0}, THREE));
        assertTrue(e.getMessage().contains("pixels has 11 values") && e.getMessage().contains("= 12"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new float[24], 2, 2, 3, 2, new int[] {0}, THREE));
        assertTrue(e.getMessage().contains("labels has 1 entries"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new float[24], 2, 2, 3, 2, new int[] {0, 3}, THREE));
        assertTrue(e.getMessage().contains("labels[1] is 3, allowed 0..2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new float[24], 2, 2, 3, 2, new int[] {0, -1}, THREE));
        assertTrue(e.getMessage().contains("labels[1] is -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new float[24], 2, 2, 3, 2, new int[] {0, 1}, List.of("x", "x")));
        assertTrue(e.getMessage().contains("distinct"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new float[0], 0, 2, 3, 2, new int[0], THREE));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }

    @Test
    void rejectsNonFiniteValuesNamingTheirIndex() {
        float[] pixels = new float[24];
        pixels[12 + 6 + 3] = Float.NaN; // image 1, channel 1, row 1, column 1
        var e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(pixels, 2, 2, 3, 2, new int[] {0, 1}, THREE));
        assertTrue(e.getMessage().contains("pixels[21] (image 1, channel 1, row 1, column 1) is NaN"), e.getMessage());

        float[][][][] nested = new float[2][2][3][2];
        nested[1][0][2][1] = Float.NEGATIVE_INFINITY;
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(nested, new int[] {0, 1}, THREE));
        assertTrue(e.getMessage().contains("images[1][0][2][1] is -Infinity"), e.getMessage());

        nested[1][0][2][1] = 0;
        nested[1][1] = new float[2][2];
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(nested, new int[] {0, 1}, THREE));
        assertTrue(e.getMessage().contains("images[1][1] has length 2, expected 3"), e.getMessage());
    }

    @Test
    void headTailAndSliceAreTheW1Split() {
        Dataset all = numbered(600);
        Dataset train = all.head(540);
        Dataset valid = all.tail(60);
        assertEquals(540, train.count());
        assertEquals(60, valid.count());
        assertEquals(0, train.pixel(0, 0, 0, 0));
        assertEquals(539 * 100, train.pixel(539, 0, 0, 0));
        assertEquals(540 * 100 + 11, valid.pixel(0, 1, 2, 1));
        assertEquals(540 % 3, valid.label(0));
        Dataset inner = all.slice(100, 200).slice(10, 20);
        assertEquals(10, inner.count());
        assertEquals(110 * 100, inner.pixel(0, 0, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> all.slice(5, 601));
        assertThrows(IndexOutOfBoundsException.class, () -> train.label(540));
    }

    private static void assertPermutation(int[] order, int count) {
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < count; i++) assertEquals(i, sorted[i], "not a permutation of 0.." + (count - 1));
        assertEquals(count, order.length);
    }

    @Test
    void permutationsAreSeeded() {
        Dataset data = numbered(1000);
        int[] a = data.permutation(7);
        assertPermutation(a, 1000);
        assertArrayEquals(a, data.permutation(7));
        assertFalse(Arrays.equals(a, data.permutation(8)));
        int[] identity = new int[1000];
        Arrays.setAll(identity, i -> i);
        assertFalse(Arrays.equals(identity, a));
    }

    @Test
    void splitHoldsOutTheCeilingOfTheFractionAndCoversEveryImageOnce() {
        Dataset data = numbered(601);
        Dataset.Split split = data.split(0.1, 3);
        assertEquals(61, split.valid().count()); // ceil(60.1), as scikit-learn
        assertEquals(540, split.train().count());
        int[] seen = new int[601];
        for (Dataset part : List.of(split.train(), split.valid())) {
            for (int i = 0; i < part.count(); i++) {
                int image = (int) (part.pixel(i, 0, 0, 0) / 100);
                seen[image]++;
                assertEquals(image % 3, part.label(i), "the label follows its image");
            }
        }
        for (int i = 0; i < seen.length; i++) assertEquals(1, seen[i], "image " + i);

        Dataset.Split again = data.split(0.1, 3);
        assertArrayEquals(split.valid().toArray(), again.valid().toArray());
        assertArrayEquals(split.train().labels(), again.train().labels());
        assertFalse(Arrays.equals(split.valid().toArray(), data.split(0.1, 4).valid().toArray()));

        assertThrows(IllegalArgumentException.class, () -> data.split(0, 1));
        assertThrows(IllegalArgumentException.class, () -> data.split(1, 1));
        assertThrows(IllegalArgumentException.class, () -> numbered(1).split(0.5, 1));
    }

    @Test
    void channelStatisticsAndStandardization() {
        // Independent reference: two channels with known values.
        float[] pixels = new float[3 * 2 * 2 * 2];
        double[][] byChannel = new double[2][12];
        java.util.Random random = new java.util.Random(1);
        int[] filled = new int[2];
        for (int i = 0; i < pixels.length; i++) {
            int c = i / 4 % 2;
            pixels[i] = (float) (c == 0 ? random.nextGaussian() * 2 + 5 : random.nextDouble());
            byChannel[c][filled[c]++] = pixels[i];
        }
        Dataset data = Dataset.of(pixels, 3, 2, 2, 2, new int[] {0, 1, 2}, THREE);
        float[] mean = data.channelMean();
        float[] std = data.channelStd();
        for (int c = 0; c < 2; c++) {
            double m = Arrays.stream(byChannel[c]).average().orElseThrow();
            double v = Arrays.stream(byChannel[c]).map(x -> (x - m) * (x - m)).sum() / 12;
            assertEquals(m, mean[c], 1e-6, "mean of channel " + c);
            assertEquals(Math.sqrt(v), std[c], 1e-6, "std of channel " + c);
        }

        Dataset standardized = data.standardized(mean, std);
        float worst = 0;
        for (int i = 0; i < pixels.length; i++) {
            int c = i / 4 % 2;
            worst = Math.max(worst, Math.abs(standardized.toArray()[i] - (pixels[i] - mean[c]) / std[c]));
        }
        assertTrue(worst < 1e-6, "largest difference " + worst);
        assertEquals(0, standardized.channelMean()[1], 1e-6);
        assertEquals(1, standardized.channelStd()[1], 1e-5);
        assertArrayEquals(data.labels(), standardized.labels());

        assertThrows(IllegalArgumentException.class, () -> data.standardized(mean, new float[] {1, 0}));
        assertThrows(IllegalArgumentException.class, () -> data.standardized(new float[1], std));
    }
}
