package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jdnn.data.DataFormatException;
import dev.jdnn.data.IdxArray;
import dev.jdnn.data.IdxReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the IDX reader: any bytes, read as a file (raw, or gzip when they start with its magic) and, compressed,
 * as a stream. The only exception allowed is the documented DataFormatException; anything else (an unchecked
 * exception, an error such as OutOfMemoryError) fails the test. The committed inputs under
 * {@code IdxReaderFuzzTestInputs/} run as regression tests in every build; RELIABILITY.md has the fuzzing command.
 */
class IdxReaderFuzzTest {
    @TempDir
    static Path folder;

    @FuzzTest
    void readFile(byte[] bytes) throws IOException {
        Path file = Files.write(folder.resolve("fuzzed-idx"), bytes);
        try {
            check(IdxReader.read(file));
        } catch (DataFormatException refused) {
            // documented: the file is not a valid IDX file
        }
    }

    @FuzzTest
    void readCompressedStream(byte[] bytes) throws IOException {
        try {
            check(IdxReader.read(new ByteArrayInputStream(gzip(bytes)), "fuzzed stream"));
        } catch (DataFormatException refused) {
            // documented: the decompressed bytes are not a valid IDX file
        }
    }

    private static void check(IdxArray array) {
        assertEquals(array.header().elementCount(), array.values().length, "one value per element");
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        }
        return bytes.toByteArray();
    }
}
