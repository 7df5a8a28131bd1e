package dev.jdnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    private static final Path TRAIN_IMAGES = Datasets.DEBIAN_FASHION_MNIST.resolve("train-images-idx3-ubyte.gz");

    @TempDir
    Path dir;

    /** The first {@code bytes} bytes of a gzip file, decompressed independently of IdxReader. */
    private static byte[] head(Path gz, int bytes) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return in.readNBytes(bytes);
        }
    }

    private static int[] perClass(Dataset data) {
        int[] counts = new int[data.classCount()];
        for (int i = 0; i < data.count(); i++) counts[data.label(i)]++;
        return counts;
    }

    @Test
    void readsDebiansFashionMnist() throws IOException {
        assumeTrue(Files.isRegularFile(TRAIN_IMAGES), "Debian's dataset-fashion-mnist is not installed");
        Datasets.TrainTest fashion = Datasets.fashionMnist();
        Dataset train = fashion.train();
        Dataset test = fashion.test();

        assertArrayEquals(new int[] {60_000, 1, 28, 28}, new int[] {train.count(), train.channels(), train.height(), train.width()});
        assertArrayEquals(new int[] {10_000, 1, 28, 28}, new int[] {test.count(), test.channels(), test.height(), test.width()});
        assertEquals(9, train.label(0), "the first training image is an ankle boot");
        assertEquals("Ankle boot", train.classNames().get(train.label(0)));
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, perClass(train));
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, perClass(test));

        // The first two images against the file's bytes / 255.
        byte[] raw = head(TRAIN_IMAGES, 16 + 2 * 784);
        float worst = 0;
        for (int n = 0; n < 2; n++)
            for (int p = 0; p < 784; p++) {
                float expected = (raw[16 + n * 784 + p] & 0xFF) / 255f;
                worst = Math.max(worst, Math.abs(train.pixel(n, 0, p / 28, p % 28) - expected));
            }
        assertEquals(0, worst, "largest difference from the raw bytes / 255");

        // W1's split: the first 54,000 train, the last 6,000 validate.
        assertEquals(54_000, train.head(54_000).count());
        assertEquals(train.label(54_000), train.tail(6_000).label(0));
    }

    @Test
    void embedsAStratifiedSubset() throws IOException {
        Datasets.TrainTest small = Datasets.embeddedDefault();
        assertEquals(4000, small.train().count());
        assertEquals(1000, small.test().count());
        assertEquals(28, small.train().height());
        assertEquals(Datasets.FASHION_MNIST_CLASSES, small.train().classNames());
        assertArrayEquals(new int[] {400, 400, 400, 400, 400, 400, 400, 400, 400, 400}, perClass(small.train()));
        assertArrayEquals(new int[] {100, 100, 100, 100, 100, 100, 100, 100, 100, 100}, perClass(small.test()));

        assumeTrue(Files.isRegularFile(TRAIN_IMAGES), "Debian's dataset-fashion-mnist is not installed");
        // Fashion-MNIST's first 5 images have 5 different labels, so they open the subset unchanged.
        byte[] raw = head(TRAIN_IMAGES, 16 + 5 * 784);
        for (int n = 0; n < 5; n++)
            for (int p = 0; p < 784; p++) {
                assertEquals((raw[16 + n * 784 + p] & 0xFF) / 255f, small.train().pixel(n, 0, p / 28, p % 28), 0, "image " + n);
            }
    }

    @Test
    void bytePixelsCopyOutAsTheFloatsTheyStandFor() {
        // Datasets read from 8-bit IDX files keep bytes; every way out must give (b & 0xFF) / 255f exactly.
        Dataset bytes = Datasets.embeddedDefault().test().select(new int[] {7, 3, 999, 0});
        float[] flat = bytes.toArray();
        Dataset floats = Dataset.of(flat, bytes.count(), 1, 28, 28, bytes.labels(), bytes.classNames());
        int[] order = {2, 0, 3, 1};
        float[] fromBytes = new float[order.length * 784];
        float[] fromFloats = new float[order.length * 784];
        bytes.copyBatch(order, 0, order.length, fromBytes, new int[order.length]);
        floats.copyBatch(order, 0, order.length, fromFloats, new int[order.length]);
        assertArrayEquals(fromFloats, fromBytes);
        MemorySegment segment = MemorySegment.ofArray(new float[order.length * 784]);
        bytes.copyBatch(order, 0, order.length, segment, MemorySegment.ofArray(new int[order.length]));
        assertArrayEquals(fromFloats, segment.toArray(ValueLayout.JAVA_FLOAT));
        assertArrayEquals(floats.image(2), bytes.image(2));
        assertArrayEquals(floats.channelMean(), bytes.channelMean());
        for (int i = 0; i < flat.length; i++) {
            float value = flat[i];
            assertTrue(value == Math.round(value * 255) / 255f, "pixel " + i + " = " + value + " is not a byte / 255");
        }
    }

    @Test
    void fashionMnistNamesAMissingFile() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Datasets.fashionMnist(dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz") && e.getMessage().contains("dataset-fashion-mnist"),
                e.getMessage());
    }

    private void writeIdxPair(String prefix, int count, int[] labels) throws IOException {
        double[] pixels = new double[count * 2 * 3];
        for (int i = 0; i < pixels.length; i++) pixels[i] = i % 256;
        double[] labelValues = new double[labels.length];
        for (int i = 0; i < labels.length; i++) labelValues[i] = labels[i];
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), IdxFiles.file(IdxType.UBYTE, new int[] {count, 2, 3}, pixels));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"),
                IdxFiles.gzip(IdxFiles.file(IdxType.UBYTE, new int[] {labels.length}, labelValues)));
    }

    @Test
    void directoryOfIdxFilesGetsNumberedClasses() throws IOException {
        writeIdxPair("train", 3, new int[] {0, 4, 1});
        writeIdxPair("test", 2, new int[] {2, 0});

        Datasets.TrainTest data = Datasets.fromDirectory(dir, new ImageFolderReader());

        assertEquals(Dataset.numberedClasses(5), data.train().classNames());
        assertArrayEquals(new int[] {0, 4, 1}, data.train().labels());
        assertArrayEquals(new int[] {2, 0}, data.test().labels());
        assertEquals(7 / 255f, data.train().pixel(1, 0, 0, 1), 0);
    }

    @Test
    void idxContentsThatDoNotMakeADatasetAreNamed() throws IOException {
        writeIdxPair("train", 3, new int[] {0, 1});
        writeIdxPair("t10k", 2, new int[] {0, 1});
        DataFormatException e = assertThrows(DataFormatException.class, () -> Datasets.fromDirectory(dir, new ImageFolderReader()));
        assertEquals(dir.resolve("train-labels-idx1-ubyte.gz").toString(), e.source());
        assertTrue(e.problem().contains("1 dimension of 3"), e.getMessage());

        Path labels = dir.resolve("labels");
        Files.write(labels, IdxFiles.file(IdxType.FLOAT, new int[] {3}, new double[] {0, 1.5, 1}));
        e = assertThrows(DataFormatException.class,
                () -> Datasets.idx(dir.resolve("train-images-idx3-ubyte"), labels, List.of("a", "b")));
        assertTrue(e.problem().contains("label 1 is 1.5"), e.getMessage());

        Path flat = dir.resolve("flat");
        Files.write(flat, IdxFiles.file(IdxType.UBYTE, new int[] {3, 6}, new double[18]));
        e = assertThrows(DataFormatException.class, () -> Datasets.idx(flat, labels, List.of("a", "b")));
        assertEquals(flat.toString(), e.source());
        assertTrue(e.problem().contains("3 dimensions"), e.getMessage());
    }

    @Test
    void directoryOfImageFoldersKeepsTheTrainingChannels() throws IOException {
        for (String part : List.of("train", "test")) {
            for (String label : List.of("cat", "dog")) {
                Path folder = Files.createDirectories(dir.resolve(part).resolve(label));
                int type = part.equals("train") ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY;
                ImageIO.write(new BufferedImage(4, 3, type), "png", folder.resolve("1.png").toFile());
            }
        }
        Datasets.TrainTest data = Datasets.fromDirectory(dir, new ImageFolderReader());
        assertEquals(List.of("cat", "dog"), data.test().classNames());
        assertEquals(3, data.train().channels());
        assertEquals(3, data.test().channels(), "gray test images follow the colour training images");

        Files.move(dir.resolve("test/dog"), dir.resolve("test/wolf"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> Datasets.fromDirectory(dir, new ImageFolderReader()));
        assertTrue(e.problem().contains("[cat, wolf] differ from the training folders [cat, dog]"), e.getMessage());
    }

    @Test
    void directoryWithNeitherLayoutIsRejected() {
        DataFormatException e = assertThrows(DataFormatException.class, () -> Datasets.fromDirectory(dir, new ImageFolderReader()));
        assertEquals(dir.toString(), e.source());
        assertTrue(e.problem().contains("neither IDX files"), e.getMessage());
    }
}
