package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.io.JsonValue.JsonString;
import dev.jdnn.io.ModelContents;
import dev.jdnn.io.ModelFormatException;
import dev.jdnn.io.ModelReader;
import dev.jdnn.io.ModelWriter;
import dev.jdnn.io.NamedTensor;
import dev.jdnn.layers.Parameter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files: bit-identical round trips, and every kind of damage refused with a message that names it. */
class ModelFileTest {
    private static SimpleCNN model;
    private static Dataset test;
    private static Path saved;
    @TempDir
    static Path folder;

    @BeforeAll
    static void trainAndSave() throws IOException {
        Datasets.TrainTest data = Datasets.embeddedDefault();
        test = SimpleCNNTest.crops(data.test()).head(200);
        model = SimpleCNN.builder().inChannels(List.of(1, 6)).inFeatures(List.of(96, 16)).outChannels(12)
                .outFeatures(10).epochs(1).batchSize(50).seed(3).threads(2).progress(false).build();
        model.fit(SimpleCNNTest.crops(data.train()).head(600));
        saved = folder.resolve("model.jdnn");
        model.save(saved);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void roundTripPredictsBitIdenticallyWithTheSameParameterBytes() throws IOException {
        try (SimpleCNN loaded = SimpleCNN.load(saved)) {
            assertEquals(model.config(), loaded.config());
            assertEquals(model.classNames(), loaded.classNames());
            assertEquals(model.history().epochs(), loaded.history().epochs());
            assertEquals(model.history().bestEpoch(), loaded.history().bestEpoch());
            List<Parameter> expected = model.network().parameters().parameters();
            List<Parameter> actual = loaded.network().parameters().parameters();
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(expected.get(i).spec(), actual.get(i).spec());
                assertEquals(-1L, expected.get(i).value().mismatch(actual.get(i).value()),
                        "bytes of " + expected.get(i).spec() + " differ at the reported offset");
            }
            float[][] before = model.predictRaw(test);
            float[][] after = loaded.predictRaw(test);
            for (int i = 0; i < before.length; i++) {
                assertArrayEquals(bits(before[i]), bits(after[i]), "logits of image " + i);
            }
        }
    }

    @Test
    void runningStatisticsAreSavedNotReinitialised() throws IOException {
        // After one epoch the running variances are no longer all 1: a round trip that dropped them would show.
        Parameter variance = model.network().parameters().parameters().stream()
                .filter(p -> p.spec().name().equals("0.1.running_variance")).findFirst().orElseThrow();
        float[] values = variance.value().toArray(ValueLayout.JAVA_FLOAT);
        assertTrue(Arrays.stream(bits(values)).anyMatch(b -> b != Float.floatToRawIntBits(1f)), Arrays.toString(values));
        try (SimpleCNN loaded = SimpleCNN.load(saved)) {
            Parameter restored = loaded.network().parameters().parameters().stream()
                    .filter(p -> p.spec().name().equals("0.1.running_variance")).findFirst().orElseThrow();
            assertArrayEquals(values, restored.value().toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void truncatedFilesAreRefusedAsTruncatedAtEveryPart() throws IOException {
        byte[] bytes = Files.readAllBytes(saved);
        long headerLength = ByteBuffer.wrap(bytes, 12, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int dataStart = (int) (20 + headerLength);
        int[] lengths = {0, 7, 12, 19, 20, 21, dataStart - 1, dataStart, dataStart + 5, bytes.length / 2,
                bytes.length - 33, bytes.length - 32, bytes.length - 1};
        for (int length : lengths) {
            Path cut = folder.resolve("cut-" + length + ".jdnn");
            Files.write(cut, Arrays.copyOf(bytes, length));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> SimpleCNN.load(cut),
                    "a file cut to " + length + " of " + bytes.length + " bytes");
            assertTrue(e.getMessage().contains("truncated"), length + " bytes: " + e.getMessage());
        }
    }

    @Test
    void aWrongMagicIsNotAModelFile() throws IOException {
        byte[] bytes = Files.readAllBytes(saved);
        bytes[0] = 'P';
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SimpleCNN.load(write("magic", bytes)));
        assertTrue(e.getMessage().contains("not a jdnn model file") && e.getMessage().contains("50 44 4e 4e"), e.getMessage());
    }

    @Test
    void aFutureVersionIsRefusedNamingBothVersions() throws IOException {
        RawModelFile raw = RawModelFile.read(saved);
        Path file = folder.resolve("future.jdnn");
        new RawModelFile(raw.magic(), 3, raw.header(), raw.data()).write(file);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SimpleCNN.load(file));
        assertTrue(e.getMessage().endsWith("unsupported format version 3; this jdnn reads versions 1 to 2"), e.getMessage());
    }

    @Test
    void aFlippedByteInTheDataOrTheChecksumFailsTheChecksum() throws IOException {
        byte[] bytes = Files.readAllBytes(saved);
        for (int at : new int[] {bytes.length - 100, bytes.length - 1}) {
            byte[] flipped = bytes.clone();
            flipped[at] ^= 0x10;
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> SimpleCNN.load(write("flip", flipped)));
            assertTrue(e.getMessage().contains("checksum mismatch"), "byte " + at + ": " + e.getMessage());
        }
    }

    @Test
    void aFlippedDigitInTheHeaderThatStillParsesFailsTheChecksum() throws IOException {
        byte[] bytes = Files.readAllBytes(saved);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\"filter_size\":3") + "\"filter_size\":".length();
        bytes[at] = '5';
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SimpleCNN.load(write("digit", bytes)));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    @Test
    void aHeaderClaimingATerabyteTensorInASmallFileIsRefusedBeforeAllocating() throws IOException {
        RawModelFile raw = RawModelFile.read(saved);
        ObjectNodeEdit.set(raw.tensor("0.0.weight"), 1L << 40, 0, 1L << 42);
        Path file = folder.resolve("huge.jdnn");
        raw.write(file);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SimpleCNN.load(file));
        assertTrue(e.getMessage().contains("claims 1099511627776 values") && e.getMessage().contains("more than the whole file"),
                e.getMessage());
    }

    @Test
    void aTensorShapeThatDisagreesWithTheArchitectureIsNamed() throws IOException {
        RawModelFile raw = RawModelFile.read(saved);
        var row = raw.tensor("0.0.weight");
        // Same byte count, other shape: only the architecture check can catch it.
        row.putArray("shape").add(6).add(9).add(1).add(1);
        Path file = folder.resolve("shape.jdnn");
        raw.write(file);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SimpleCNN.load(file));
        assertTrue(e.getMessage().endsWith("tensor '0.0.weight' has shape [6, 9, 1, 1] but the architecture needs [6, 1, 3, 3]"),
                e.getMessage());
    }

    @Test
    void aConfigOutOfRangeIsRefusedWithTheParameterName() throws IOException {
        RawModelFile raw = RawModelFile.read(saved);
        ((com.fasterxml.jackson.databind.node.ObjectNode) raw.header().get("config")).put("dropout_rate", 1.5);
        Path file = folder.resolve("config.jdnn");
        raw.write(file);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SimpleCNN.load(file));
        assertTrue(e.getMessage().contains("invalid config: dropout_rate = 1.5 is out of range"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = folder.resolve("absent.jdnn");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> SimpleCNN.load(missing));
        assertEquals(missing + ": no such model file", e.getMessage());
    }

    @Test
    void aSaveThatFailsHalfWayLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path file = folder.resolve("atomic.jdnn");
        model.save(file);
        byte[] before = Files.readAllBytes(file);
        MemorySegment gone;
        try (Arena arena = Arena.ofConfined()) {
            gone = arena.allocate(4096 * Float.BYTES);
        }
        // The first tensor is written, then reading the second fails: the temporary file is half written.
        List<NamedTensor> tensors = List.of(new NamedTensor("first", new long[] {4}, MemorySegment.ofArray(new float[4])),
                new NamedTensor("second", new long[] {4096}, gone));
        assertThrows(IllegalStateException.class, () -> ModelWriter.write(file, new JsonObject.Builder().build(), tensors));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(folder)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "a temporary file is left");
        }
    }

    /**
     * Issue 20: the writer refuses a header the reader would refuse (more than 2^26 bytes, 64 MiB), before the file
     * is touched; the longest it writes, 2^26 - 20 bytes (the data section starts on a multiple of 64), reads back.
     */
    @Test
    void aHeaderLongerThanTheReaderAcceptsIsRefusedBeforeWriting() throws IOException {
        Path file = folder.resolve("long-header.jdnn");
        model.save(file);
        byte[] before = Files.readAllBytes(file);
        String overhead = "{\"pad\":\"\",\"tensors\":[]}";
        int longest = (1 << 26) - 20 - overhead.length();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelWriter.write(file,
                new JsonObject.Builder().put("pad", "x".repeat(longest + 1)).build(), List.of()));
        assertEquals("the header would be 67108908 bytes, more than the 67108864 bytes (64 MiB) a model file may"
                + " hold: fewer or shorter class names, or a shorter history", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(folder)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "a temporary file is left");
        }

        ModelWriter.write(file, new JsonObject.Builder().put("pad", "x".repeat(longest)).build(), List.of());
        assertEquals((1 << 26) - 20, ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).getLong(12));
        try (ModelContents contents = ModelReader.read(file)) {
            assertEquals(longest, ((JsonString) contents.header().get("pad")).value().length());
        }
    }

    @Test
    void aSaveIntoAReadOnlyFolderRaisesIOExceptionAndKeepsTheOldFile() throws IOException {
        Path readOnly = Files.createDirectory(folder.resolve("read-only"));
        Path file = readOnly.resolve("model.jdnn");
        model.save(file);
        byte[] before = Files.readAllBytes(file);
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(readOnly), "running as root: permissions do not stop writes");
            assertThrows(AccessDeniedException.class, () -> model.save(file));
            assertArrayEquals(before, Files.readAllBytes(file));
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(folder, name, ".jdnn"), bytes);
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) bits[i] = Float.floatToRawIntBits(values[i]);
        return bits;
    }

    /** Edits of a tensor-table row. */
    private static final class ObjectNodeEdit {
        static void set(com.fasterxml.jackson.databind.node.ObjectNode row, long elements, long begin, long end) {
            row.putArray("shape").add(elements);
            row.putArray("data_offsets").add(begin).add(end);
        }
    }
}
