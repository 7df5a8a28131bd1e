package dev.jdnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderReaderTest {
    @TempDir
    Path root;

    /** A gray image whose pixel (x, y) is {@code base + 10 * y + x}. */
    private static BufferedImage gray(int width, int height, int base) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) image.getRaster().setSample(x, y, 0, base + 10 * y + x);
        return image;
    }

    /** An RGB image whose pixel (x, y) is (r + x, g + y, b). */
    private static BufferedImage rgb(int width, int height, int r, int g, int b) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) image.setRGB(x, y, (r + x) << 16 | (g + y) << 8 | b);
        return image;
    }

    private Path write(String folder, String name, BufferedImage image) throws IOException {
        Path file = root.resolve(folder).resolve(name);
        Files.createDirectories(file.getParent());
        String format = name.substring(name.lastIndexOf('.') + 1);
        assertTrue(ImageIO.write(image, format.equals("jpg") ? "jpeg" : format, file.toFile()), "no writer for " + format);
        return file;
    }

    private static DataFormatException failure(ImageFolderReader reader, Path root) {
        return assertThrows(DataFormatException.class, () -> reader.read(root));
    }

    @Test
    void grayImagesGiveOneChannelWithExactValuesAndSortedClasses() throws IOException {
        write("zebra", "b.png", gray(3, 2, 100));
        write("zebra", "a.bmp", gray(3, 2, 50));
        write("apple", "x.png", gray(3, 2, 0));
        Files.writeString(root.resolve("README.txt"), "plain files in the root are not classes");
        Files.writeString(root.resolve("zebra").resolve(".hidden"), "skipped");

        Dataset data = new ImageFolderReader().read(root);

        assertEquals(List.of("apple", "zebra"), data.classNames());
        assertArrayEquals(new int[] {0, 1, 1}, data.labels());
        assertEquals(1, data.channels());
        assertEquals(2, data.height());
        assertEquals(3, data.width());
        int[] bases = {0, 50, 100}; // apple/x, then zebra/a.bmp before zebra/b.png
        for (int n = 0; n < 3; n++)
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 3; x++) {
                    assertEquals((bases[n] + 10 * y + x) / 255f, data.pixel(n, 0, y, x), 0, "image %d (%d, %d)".formatted(n, y, x));
                }
    }

    @Test
    void colourImagesGiveThreeChannelsAndGrayIsRepeatedAmongThem() throws IOException {
        write("a", "color.png", rgb(2, 2, 200, 100, 30));
        write("a", "color.bmp", rgb(2, 2, 10, 20, 40));
        write("b", "gray.png", gray(2, 2, 7));

        Dataset data = new ImageFolderReader().read(root);

        assertEquals(3, data.channels());
        assertEquals((200 + 1) / 255f, data.pixel(1, 0, 1, 1), 0, "color.png red at (1, 1)");
        assertEquals((100 + 1) / 255f, data.pixel(1, 1, 1, 1), 0, "color.png green");
        assertEquals(30 / 255f, data.pixel(1, 2, 1, 1), 0, "color.png blue");
        assertEquals(10 / 255f, data.pixel(0, 0, 0, 0), 0, "color.bmp red");
        assertEquals((20 + 1) / 255f, data.pixel(0, 1, 1, 0), 0, "color.bmp green at (1, 0)");
        for (int c = 0; c < 3; c++) assertEquals((7 + 10 + 1) / 255f, data.pixel(2, c, 1, 1), 0, "gray in channel " + c);
    }

    @Test
    void forcedGrayUsesBt601Luma() throws IOException {
        write("a", "color.png", rgb(1, 1, 200, 100, 30));
        Dataset data = new ImageFolderReader().withChannels(1).read(root);
        assertEquals(1, data.channels());
        assertEquals((0.299 * 200 + 0.587 * 100 + 0.114 * 30) / 255, data.pixel(0, 0, 0, 0), 1e-6);
    }

    @Test
    void sixteenBitGrayKeepsItsPrecisionAndJpegIsClose() throws IOException {
        BufferedImage deep = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSample(0, 0, 0, 40000);
        write("a", "deep.png", deep);
        assertEquals(40000 / 65535f, new ImageFolderReader().read(root).pixel(0, 0, 0, 0), 0);

        Path jpegRoot = root.resolve("jpeg");
        write("jpeg/a", "flat.jpg", rgb(8, 8, 120, 60, 200)); // varies by only a few levels
        Dataset jpeg = new ImageFolderReader().read(jpegRoot);
        assertEquals(3, jpeg.channels());
        assertEquals(123 / 255f, jpeg.pixel(0, 0, 3, 3), 6 / 255f);
        assertEquals(63 / 255f, jpeg.pixel(0, 1, 3, 3), 6 / 255f);
        assertEquals(200 / 255f, jpeg.pixel(0, 2, 3, 3), 6 / 255f);
    }

    @Test
    void resizesBilinearlyWithHalfPixelCentres() throws IOException {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(1, 0, 0, 255); // row 0 = [0, 1], row 1 = [0, 0]
        write("a", "small.png", image);
        write("a", "large.png", gray(5, 7, 0));

        Dataset data = new ImageFolderReader().withSize(4, 4).read(root);

        assertEquals(4, data.height());
        assertEquals(4, data.width());
        // Sources per output position (scale 0.5): 0 (clamped), 0.25, 0.75, 1; by hand on row 0 = [0, 1]:
        float[] expectedRow0 = {0, 0.25f, 0.75f, 1};
        // ... and the weights of row 0 for output rows: 1, 0.75, 0.25, 0.
        float[] rowWeight = {1, 0.75f, 0.25f, 0};
        float worst = 0;
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++) {
                worst = Math.max(worst, Math.abs(data.pixel(1, 0, y, x) - rowWeight[y] * expectedRow0[x]));
            }
        assertTrue(worst < 1e-6, "largest difference " + worst);
    }

    @Test
    void mixedSizesWithoutResizeNameTheFirstDifferingFile() throws IOException {
        write("a", "1.png", gray(4, 4, 0));
        write("a", "2.png", gray(4, 4, 0));
        Path odd = write("b", "3.png", gray(5, 4, 0));
        DataFormatException e = failure(new ImageFolderReader(), root);
        assertEquals(odd.toString(), e.source());
        assertTrue(e.problem().contains("image is 4 x 5") && e.problem().contains("1.png is 4 x 4"), e.getMessage());
    }

    @Test
    void unreadableAndForeignFilesAreNamed() throws IOException {
        write("a", "good.png", gray(2, 2, 0));
        Path broken = root.resolve("a").resolve("broken.png");
        Files.write(broken, new byte[] {1, 2, 3, 4, 5});
        DataFormatException e = failure(new ImageFolderReader(), root);
        assertEquals(broken.toString(), e.source());
        assertTrue(e.problem().contains("unreadable image"), e.getMessage());

        Files.delete(broken);
        Path notes = root.resolve("a").resolve("notes.txt");
        Files.writeString(notes, "text");
        e = failure(new ImageFolderReader(), root);
        assertEquals(notes.toString(), e.source());
        assertTrue(e.problem().contains("not an image file") && e.problem().contains(".png"), e.getMessage());
    }

    @Test
    void rejectsFoldersWithoutClassesOrImages() throws IOException {
        DataFormatException e = failure(new ImageFolderReader(), root);
        assertTrue(e.problem().contains("no class sub-folders"), e.getMessage());
        Files.createDirectories(root.resolve("empty"));
        e = failure(new ImageFolderReader(), root);
        assertEquals(root.resolve("empty").toString(), e.source());
        assertTrue(e.problem().contains("class folder without images"), e.getMessage());
        e = failure(new ImageFolderReader(), root.resolve("missing"));
        assertTrue(e.problem().contains("not a folder"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ImageFolderReader().withChannels(2));
        assertThrows(IllegalArgumentException.class, () -> new ImageFolderReader().withSize(0, 3));
    }
}
