package dev.jdnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdxReaderTest {
    @TempDir
    Path dir;

    static Stream<Arguments> roundTrips() {
        Stream.Builder<Arguments> cases = Stream.builder();
        int[][] shapes = {{7}, {3, 5}, {2, 3, 4}, {2, 1, 3, 2}};
        for (IdxType type : IdxType.values()) {
            for (int[] shape : shapes) {
                cases.add(Arguments.of(type, shape, false));
                cases.add(Arguments.of(type, shape, true));
            }
        }
        return cases.build();
    }

    /** Values that span the type's range, stored as the type stores them. */
    private static double[] valuesFor(IdxType type, int count, long seed) {
        Random random = new Random(seed);
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = switch (type) {
                case UBYTE -> random.nextInt(256);
                case BYTE -> random.nextInt(256) - 128;
                case SHORT -> random.nextInt(65536) - 32768;
                case INT -> random.nextInt();
                case FLOAT -> (float) (random.nextGaussian() * 1e3);
                case DOUBLE -> random.nextGaussian() * 1e-3;
            };
        }
        // The extremes of each type, so that sign and width mistakes show.
        values[0] = switch (type) {
            case UBYTE -> 255;
            case BYTE -> -128;
            case SHORT -> -32768;
            case INT -> Integer.MIN_VALUE;
            case FLOAT -> -Float.MAX_VALUE;
            case DOUBLE -> 1e300;
        };
        return values;
    }

    @ParameterizedTest(name = "{0} {1} gzip={2}")
    @MethodSource("roundTrips")
    void readsWhatWasWritten(IdxType type, int[] shape, boolean gzip) throws IOException {
        int count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        double[] values = valuesFor(type, count, 42 + count);
        byte[] raw = IdxFiles.file(type, shape, values);
        Path file = IdxFiles.write(dir.resolve("data.idx"), gzip ? IdxFiles.gzip(raw) : raw);

        IdxArray array = IdxReader.read(file);

        assertEquals(type, array.header().type());
        assertArrayEquals(shape, array.header().dims());
        assertEquals(count, array.header().elementCount());
        float[] expected = new float[count];
        for (int i = 0; i < count; i++) {
            // The writer wrote these bytes; the reference conversion is Java's own narrowing to float.
            expected[i] = type == IdxType.INT ? (float) (int) values[i] : (float) values[i];
        }
        assertArrayEquals(expected, array.values());
    }

    @Test
    void readsFromAStreamLikeAFile() throws IOException {
        byte[] raw = IdxFiles.file(IdxType.UBYTE, new int[] {2, 2}, new double[] {0, 1, 254, 255});
        IdxArray array = IdxReader.read(new ByteArrayInputStream(IdxFiles.gzip(raw)), "resource.gz");
        assertArrayEquals(new float[] {0, 1, 254, 255}, array.values());
    }

    @Test
    void readsDataLargerThanTheFirstAllocationFromGzip() throws IOException {
        // More than the reader's first buffer of 2^20 elements, so that the array has to grow.
        int count = 3_000_017;
        double[] values = new double[count];
        for (int i = 0; i < count; i++) values[i] = (i * 31) & 0xFF;
        Path file = IdxFiles.write(dir.resolve("big.gz"),
                IdxFiles.gzip(IdxFiles.file(IdxType.UBYTE, new int[] {count}, values)));

        float[] read = IdxReader.read(file).values();

        assertEquals(count, read.length);
        for (int i = 0; i < count; i++) {
            if (read[i] != values[i]) throw new AssertionError("element " + i + ": " + read[i] + " != " + values[i]);
        }
    }

    private DataFormatException failure(String name, byte[] content) throws IOException {
        Path file = IdxFiles.write(dir.resolve(name), content);
        DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(file));
        assertEquals(file.toString(), e.source());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        return e;
    }

    private static void assertProblem(DataFormatException e, String... words) {
        for (String word : words) {
            assertTrue(e.problem().contains(word), "expected '" + word + "' in: " + e.getMessage());
        }
    }

    /** Issue 8: found by IdxReaderFuzzTest, a damaged gzip header escaped as a ZipException naming no file. */
    @Test
    void rejectsADamagedOrCutGzipHeaderNamingTheFile() throws IOException {
        byte[] gzip = IdxFiles.gzip(IdxFiles.file(IdxType.UBYTE, new int[] {2}, new double[] {1, 2}));
        byte[] method = gzip.clone();
        method[2] = 7; // compression method: only 8 (deflate) exists
        assertProblem(failure("method.gz", method), "corrupt or truncated gzip data", "Unsupported compression method");
        assertProblem(failure("cut-header.gz", Arrays.copyOf(gzip, 5)), "corrupt or truncated gzip data");
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> IdxReader.read(new ByteArrayInputStream(method), "resource.gz"));
        assertTrue(e.getMessage().startsWith("resource.gz: corrupt or truncated gzip data"), e.getMessage());
    }

    @Test
    void rejectsAnEmptyFile() throws IOException {
        assertProblem(failure("empty", new byte[0]), "empty file");
        assertProblem(failure("empty.gz", IdxFiles.gzip(new byte[0])), "empty file");
    }

    @Test
    void rejectsATruncatedHeader() throws IOException {
        assertProblem(failure("short", new byte[] {0, 0, 8}), "truncated IDX header", "3 bytes");
        byte[] header = IdxFiles.header(0x08, 5, 5);
        assertProblem(failure("cut-dims", Arrays.copyOf(header, header.length - 2)), "truncated IDX header", "2 dimensions");
    }

    @Test
    void rejectsAWrongMagic() throws IOException {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 0};
        assertProblem(failure("image.png", png), "not an IDX file", "0x89 0x50");
    }

    @Test
    void rejectsAnUnknownTypeCode() throws IOException {
        byte[] content = IdxFiles.concat(IdxFiles.header(0x0A, 1), new byte[] {1});
        assertProblem(failure("type", content), "unknown IDX type code 0x0A", "0x08 ubyte", "0x0E double");
    }

    @Test
    void rejectsZeroDimensionsAndZeroSizes() throws IOException {
        assertProblem(failure("rank0", IdxFiles.header(0x08)), "zero dimensions");
        assertProblem(failure("size0", IdxFiles.header(0x08, 3, 0)), "dimension 1 of 2 has size 0");
    }

    @Test
    void rejectsSizesAboveTheSignedLimit() throws IOException {
        assertProblem(failure("huge-dim", IdxFiles.header(0x08, 0xFFFF_FFFFL)), "dimension 0 of 1 has size 4294967295");
    }

    @Test
    void rejectsDimensionsWhoseProductOverflows() throws IOException {
        int max = Integer.MAX_VALUE;
        assertProblem(failure("overflow", IdxFiles.header(0x08, max, max, max)), "overflows a 64-bit integer");
    }

    @Test
    void rejectsMoreDataBytesThanOneArrayHolds() throws IOException {
        // 2^30 floats are within the element limit, but their 2^32 stored bytes are not.
        byte[] tiny = IdxFiles.concat(IdxFiles.header(0x0D, 1 << 15, 1 << 15), new byte[10]);
        assertTimeoutFast(() -> assertProblem(failure("floats30", tiny), "of float hold 4294967296 data bytes",
                "above the limit"));
    }

    @Test
    void rejectsAClaimOfTwoToTheFortyElementsWithoutAllocatingIt() throws IOException {
        byte[] tiny = IdxFiles.concat(IdxFiles.header(0x08, 1 << 20, 1 << 20), new byte[10]);
        assertTimeoutFast(() -> assertProblem(failure("claim40", tiny), "1099511627776 elements", "above the limit"));
        assertTimeoutFast(() -> assertProblem(failure("claim40.gz", IdxFiles.gzip(tiny)), "above the limit"));
    }

    @Test
    void rejectsALargeClaimInATinyFileBeforeAllocatingIt() throws IOException {
        // 2^30 floats would need 4 GB, twice the test JVM's heap: only a length check or growth that
        // follows the data avoids an OutOfMemoryError here.
        byte[] tiny = IdxFiles.concat(IdxFiles.header(0x08, 1 << 15, 1 << 15), new byte[100]);
        assertTimeoutFast(() -> assertProblem(failure("claim30", tiny), "truncated", "1073741824 data bytes", "has 100"));
        assertTimeoutFast(() -> assertProblem(failure("claim30.gz", IdxFiles.gzip(tiny)), "truncated", "ends after 100"));
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        byte[] raw = IdxFiles.file(IdxType.SHORT, new int[] {2, 3}, new double[] {1, 2, 3, 4, 5, 6});
        byte[] cut = Arrays.copyOf(raw, raw.length - 3);
        assertProblem(failure("cut", cut), "truncated", "needs 12 data bytes, the file has 9");
        assertProblem(failure("cut.gz", IdxFiles.gzip(cut)), "truncated", "needs 6 elements", "ends after 4");
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] raw = IdxFiles.file(IdxType.UBYTE, new int[] {4}, new double[] {1, 2, 3, 4});
        byte[] longer = IdxFiles.concat(raw, new byte[] {9, 9});
        assertProblem(failure("trailing", longer), "2 trailing bytes");
        assertProblem(failure("trailing.gz", IdxFiles.gzip(longer)), "trailing bytes");
    }

    @Test
    void rejectsACutGzipStream() throws IOException {
        byte[] gz = IdxFiles.gzip(IdxFiles.file(IdxType.UBYTE, new int[] {1000}, new double[1000]));
        assertProblem(failure("cut-stream.gz", Arrays.copyOf(gz, gz.length / 2)), "gzip");
    }

    private static void assertTimeoutFast(Executable check) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), check);
    }
}
