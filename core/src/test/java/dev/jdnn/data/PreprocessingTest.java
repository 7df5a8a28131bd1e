package dev.jdnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.data.Preprocessing.ChannelOrder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Preprocessing against a naive reference written from its documented formula, value by value in float:
 * {@code (sample / 255 * 255 * scale - mean[c]) / std[c]} on the channels the documentation names.
 */
class PreprocessingTest {
    /** 3 x 2 pixels (width x height), every sample distinct. */
    static BufferedImage colourImage() {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) image.setRGB(x, y, rgb(10 + 40 * x + 7 * y, 200 - 30 * x - 11 * y, 3 + 80 * y + x));
        }
        return image;
    }

    static int rgb(int r, int g, int b) {
        return r << 16 | g << 8 | b;
    }

    private static int sample(BufferedImage image, int channel, int y, int x) {
        return image.getRGB(x, y) >> (16 - 8 * channel) & 0xFF;
    }

    @Test
    void theDefaultGivesTheSamplesOver255ExactlyAsTheFolderReaderDoes() {
        BufferedImage image = colourImage();
        float[] input = Preprocessing.DEFAULT.apply(image, 3, 2, 3);
        float[] expected = new float[18];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 3; x++) expected[(c * 2 + y) * 3 + x] = sample(image, c, y, x) / 255f;
        assertArrayEquals(expected, input);
    }

    @Test
    void scaleMeanStdAndBgrFollowTheFormulaPerChannel() {
        BufferedImage image = colourImage();
        float[] mean = {0.5f, 0.25f, 0.125f};
        float[] std = {0.2f, 0.3f, 0.7f};
        Preprocessing p = Preprocessing.DEFAULT.withScale(2.0 / 255).withMeanAndStd(mean, std)
                .withChannelOrder(ChannelOrder.BGR);
        float[] input = p.apply(image, 3, 2, 3);
        for (int c = 0; c < 3; c++) {
            int source = 2 - c; // BGR: blue first
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 3; x++) {
                    float v = sample(image, source, y, x) / 255f * 2f;
                    assertEquals((v - mean[c]) / std[c], input[(c * 2 + y) * 3 + x], 0f, "channel " + c + " (" + y + ", " + x + ")");
                }
            }
        }
    }

    @Test
    void oneMeanAndStdServeEveryChannelAndColourBecomesLumaForOneChannel() {
        BufferedImage image = colourImage();
        Preprocessing p = Preprocessing.DEFAULT.withMeanAndStd(new float[] {0.5f}, new float[] {0.25f});
        float[] gray = p.apply(image, 1, 2, 3);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                float luma = 0.299f * (sample(image, 0, y, x) / 255f) + 0.587f * (sample(image, 1, y, x) / 255f)
                        + 0.114f * (sample(image, 2, y, x) / 255f);
                assertEquals((luma - 0.5f) / 0.25f, gray[y * 3 + x], 0f, "(" + y + ", " + x + ")");
            }
        }
    }

    @Test
    void aHalvedImageIsTheMeanOfEachTwoByTwoBlockThenNormalized() {
        BufferedImage image = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) image.getRaster().setSample(x, y, 0, 16 * y + 4 * x);
        Preprocessing p = Preprocessing.DEFAULT.withMeanAndStd(new float[] {0.1f}, new float[] {0.5f});
        float[] small = p.apply(image, 1, 2, 2);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                double mean = 0;
                for (int dy = 0; dy < 2; dy++) for (int dx = 0; dx < 2; dx++) mean += (16 * (2 * y + dy) + 4 * (2 * x + dx)) / 255.0 / 4;
                assertEquals((mean - 0.1) / 0.5, small[y * 2 + x], 1e-6, "(" + y + ", " + x + ")");
            }
        }
    }

    @Test
    void encodedPngAndBmpBytesGiveWhatTheImageGives() throws IOException {
        BufferedImage image = colourImage();
        Preprocessing p = Preprocessing.DEFAULT.withMeanAndStd(new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.2f});
        for (String format : new String[] {"png", "bmp"}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(image, format, bytes), format);
            assertArrayEquals(p.apply(image, 3, 2, 3), p.apply(bytes.toByteArray(), 3, 2, 3), format);
        }
    }

    @Test
    void undecodableBytesAreATypedErrorNamingThem() {
        for (byte[] bytes : new byte[][] {{}, "not an image".getBytes(), {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0}}) {
            DataFormatException e = assertThrows(DataFormatException.class,
                    () -> Preprocessing.DEFAULT.apply(bytes, 1, 2, 2));
            assertEquals("image bytes", e.source());
            assertTrue(e.problem().startsWith("unreadable image"), e.getMessage());
        }
    }

    @Test
    void outOfRangeValuesAreRefusedNamingFieldValueAndRange() {
        assertMessage("preprocessing scale = 0.0 is out of range; allowed: > 0 and finite",
                () -> Preprocessing.DEFAULT.withScale(0));
        assertMessage("preprocessing scale = Infinity is out of range; allowed: > 0 and finite",
                () -> Preprocessing.DEFAULT.withScale(Double.POSITIVE_INFINITY));
        assertMessage("preprocessing mean[1] = NaN is out of range; allowed: finite",
                () -> Preprocessing.DEFAULT.withMeanAndStd(new float[] {0, Float.NaN}, new float[] {1}));
        assertMessage("preprocessing std[0] = -1.0 is out of range; allowed: > 0 and finite",
                () -> Preprocessing.DEFAULT.withMeanAndStd(new float[] {0}, new float[] {-1}));
        assertMessage("preprocessing mean = [] is out of range; allowed: 1 value, or one per input channel",
                () -> Preprocessing.DEFAULT.withMeanAndStd(new float[0], new float[] {1}));
        Preprocessing twoMeans = Preprocessing.DEFAULT.withMeanAndStd(new float[] {0, 0}, new float[] {1});
        assertMessage("preprocessing mean = [0.0, 0.0] is out of range; allowed: 1 value or 3 (one per input channel)",
                () -> { twoMeans.requireChannels(3); return null; });
        assertMessage("images give 1 (gray) or 3 (colour) channels, the model takes 2",
                () -> Preprocessing.DEFAULT.apply(colourImage(), 2, 2, 3));
    }

    @Test
    void theArraysAreCopiedInAndOut() {
        float[] mean = {0.5f};
        Preprocessing p = Preprocessing.DEFAULT.withMeanAndStd(mean, new float[] {1});
        mean[0] = 9;
        p.mean()[0] = 9;
        assertArrayEquals(new float[] {0.5f}, p.mean());
        assertEquals(Preprocessing.DEFAULT.withMeanAndStd(new float[] {0.5f}, new float[] {1}), p);
    }

    private static void assertMessage(String expected, Supplier<?> call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::get);
        assertEquals(expected, e.getMessage());
    }
}
