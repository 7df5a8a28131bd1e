package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.io.ModelFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Models loaded from a stream or a class-path resource: the same model as from the file, bit for bit; damaged
 * streams refused as damaged files are; hostile claims refused without reading or allocating what they claim.
 */
class ModelStreamLoadTest {
    private static final String RESOURCE = "golden/seed-example-v1.jdnn";
    private static Path file;
    private static byte[] bytes;
    private static Dataset images;

    @BeforeAll
    static void readTheGoldenModel() throws IOException, URISyntaxException {
        file = Path.of(ModelStreamLoadTest.class.getResource(RESOURCE).toURI());
        bytes = Files.readAllBytes(file);
        images = SimpleCNNTest.crops(Datasets.embeddedDefault().test()).head(20);
    }

    @Test
    void aStreamAndAResourceLoadTheModelThatTheFileHolds() throws IOException {
        try (SimpleCNN fromFile = SimpleCNN.load(file);
             SimpleCNN fromStream = SimpleCNN.load(new ByteArrayInputStream(bytes));
             SimpleCNN fromResource = SimpleCNN.loadResource(ModelStreamLoadTest.class, RESOURCE);
             SimpleCNN absolute = SimpleCNN.loadResource(SimpleCNNTest.class, "/dev/jdnn/" + RESOURCE)) {
            float[][] expected = fromFile.predictRaw(images);
            for (SimpleCNN other : new SimpleCNN[] {fromStream, fromResource, absolute}) {
                assertEquals(fromFile.config(), other.config());
                assertEquals(fromFile.classNames(), other.classNames());
                assertEquals(fromFile.preprocessing(), other.preprocessing());
                assertEquals(-1L, fromFile.network().parameters().values().mismatch(other.network().parameters().values()));
                float[][] logits = other.predictRaw(images);
                for (int i = 0; i < logits.length; i++) assertArrayEquals(bits(expected[i]), bits(logits[i]), "image " + i);
            }
        }
    }

    @Test
    void aStreamIsReadToTheEndOfTheModelAndNoFurther() throws IOException {
        byte[] trailing = "next record".getBytes(StandardCharsets.US_ASCII);
        byte[] both = Arrays.copyOf(bytes, bytes.length + trailing.length);
        System.arraycopy(trailing, 0, both, bytes.length, trailing.length);
        InputStream in = new ByteArrayInputStream(both);
        try (SimpleCNN model = SimpleCNN.load(in)) {
            assertEquals(10, model.config().outFeatures());
        }
        assertArrayEquals(trailing, in.readAllBytes());
    }

    @Test
    void aTruncatedStreamIsRefusedAsTruncatedAtEveryPart() {
        long headerLength = ByteBuffer.wrap(bytes, 12, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int dataStart = (int) (20 + headerLength);
        int[] lengths = {0, 7, 12, 19, 20, 21, dataStart - 1, dataStart, dataStart + 5, bytes.length / 2,
                bytes.length - 33, bytes.length - 32, bytes.length - 1};
        for (int length : lengths) {
            InputStream cut = new ByteArrayInputStream(Arrays.copyOf(bytes, length));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> SimpleCNN.load(cut),
                    "a stream cut to " + length + " of " + bytes.length + " bytes");
            assertTrue(e.getMessage().startsWith("input stream: ") && e.getMessage().contains("truncated"),
                    length + " bytes: " + e.getMessage());
        }
    }

    @Test
    void aFlippedByteFailsTheChecksumAsInAFile() {
        byte[] flipped = bytes.clone();
        flipped[bytes.length - 100] ^= 0x10;
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> SimpleCNN.load(new ByteArrayInputStream(flipped)));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void aClaimOfMoreThanAStreamMayHoldIsRefusedBeforeReadingIt() throws IOException {
        RawModelFile raw = RawModelFile.read(file);
        var rows = raw.header().withArray("tensors");
        var last = (com.fasterxml.jackson.databind.node.ObjectNode) rows.get(rows.size() - 1);
        last.putArray("data_offsets").add(0).add(1L << 40);
        Path forged = Files.createTempFile("forged", ".jdnn");
        try {
            raw.write(forged);
            CountingStream in = new CountingStream(Files.readAllBytes(forged));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> SimpleCNN.load(in));
            assertTrue(e.getMessage().contains("claims tensors of 1099511627776 bytes"), e.getMessage());
            long headerEnd = 20 + ByteBuffer.wrap(Files.readAllBytes(forged), 12, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(headerEnd, in.read, "bytes read: the prefix and the header only");
        } finally {
            Files.delete(forged);
        }
    }

    @Test
    void aMissingResourceIsNamed() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> SimpleCNN.loadResource(ModelStreamLoadTest.class, "golden/absent.jdnn"));
        assertTrue(e.getMessage().equals("golden/absent.jdnn: no such model resource (looked up from "
                        + "dev.jdnn.ModelStreamLoadTest, in its package)"),
                e.getMessage());
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) bits[i] = Float.floatToRawIntBits(values[i]);
        return bits;
    }

    /** A stream over bytes that counts what was read from it. */
    private static final class CountingStream extends ByteArrayInputStream {
        long read;

        CountingStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            if (n > 0) read += n;
            return n;
        }

        @Override
        public synchronized int read() {
            int b = super.read();
            if (b >= 0) read++;
            return b;
        }
    }
}
