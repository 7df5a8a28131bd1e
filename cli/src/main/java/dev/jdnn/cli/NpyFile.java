package dev.jdnn.cli;

import dev.jdnn.data.DataFormatException;
import dev.jdnn.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Float32 arrays in NumPy's {@code .npy} format, version 1.0 (numpy.lib.format): the magic {@code \x93NUMPY}, the
 * version bytes 1 and 0, a little-endian 16-bit header length, a header that is a Python dict literal of
 * {@code descr}, {@code fortran_order} and {@code shape} padded with spaces to a multiple of 64 bytes and ended by a
 * newline, then the values. jdnn reads and writes one kind of array: {@code '<f4'} (little-endian float32) in C
 * order, as {@code np.save(path, x.astype(np.float32))} writes it; anything else is refused with what was found and
 * what is allowed. Reading is strict and bounded: a regular file, a header of at most {@link #MAX_HEADER} bytes
 * parsed without recursion, at most {@link #MAX_VALUES} values, and exactly the bytes the shape calls for.
 */
final class NpyFile {
    /** The most values an array may hold: 1 GiB of float32. */
    static final long MAX_VALUES = 1L << 28;
    /** The largest header read: NumPy's headers are a few dozen bytes, padded to 64 or 128. */
    static final int MAX_HEADER = 4096;
    /** The most dimensions a shape may have (NumPy's own limit is 64). */
    static final int MAX_RANK = 32;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Magic, two version bytes, the 16-bit header length. */
    private static final int PREAMBLE = MAGIC.length + 4;
    private static final int ALIGNMENT = 64;

    /** An array read from or written to a file: its shape and its values in C order. */
    record Array(long[] shape, float[] values) {}

    private NpyFile() {}

    /**
     * The float32 array in {@code file}.
     *
     * @throws DataFormatException naming the file and the problem if it is not a regular file, or not a version
     *     1.0 {@code .npy} file of {@code '<f4'} values in C order with at most {@link #MAX_VALUES} values and
     *     exactly their bytes after the header
     * @throws IOException if the file cannot be read
     */
    static Array read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file.toString(), Files.exists(file)
                    ? "not a regular file; a .npy file is read from a regular file only" : "no such file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer preamble = readFully(channel, 0, PREAMBLE, file, size);
            for (int i = 0; i < MAGIC.length; i++) {
                if (preamble.get(i) != MAGIC[i]) throw bad(file, "does not start with NumPy's magic \\x93NUMPY: not a .npy file");
            }
            int major = preamble.get(6) & 0xFF;
            int minor = preamble.get(7) & 0xFF;
            if (major != 1 || minor != 0) {
                throw bad(file, "is .npy format version " + major + "." + minor + "; supported: 1.0 (what np.save"
                        + " writes for arrays whose header fits in 64 KiB)");
            }
            int headerLength = preamble.order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xFFFF;
            if (headerLength > MAX_HEADER) {
                throw bad(file, "has a header of " + headerLength + " bytes; allowed: at most " + MAX_HEADER);
            }
            ByteBuffer headerBytes = readFully(channel, PREAMBLE, headerLength, file, size);
            long[] shape = parseHeader(new String(headerBytes.array(), StandardCharsets.ISO_8859_1), file);
            long values = 1;
            for (long d : shape) {
                values *= d; // each d <= MAX_VALUES and the product is checked at every step: no overflow
                if (values > MAX_VALUES) {
                    throw bad(file, "has shape " + shape(shape) + ", more than the " + MAX_VALUES
                            + " values (1 GiB of float32) an array may hold");
                }
            }
            long dataBytes = values * Float.BYTES;
            long expected = PREAMBLE + headerLength + dataBytes;
            if (size != expected) {
                throw bad(file, "holds " + size + " bytes; its header and shape " + shape(shape) + " of float32 call"
                        + " for exactly " + expected + (size < expected ? " (truncated)" : " (data after the array)"));
            }
            ByteBuffer data = readFully(channel, PREAMBLE + headerLength, (int) dataBytes, file, size);
            float[] floats = new float[(int) values];
            data.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
            return new Array(shape, floats);
        }
    }

    /**
     * Writes {@code values} of {@code shape} to {@code file} as a version 1.0 {@code .npy} file of {@code '<f4'}
     * values in C order, atomically ({@link AtomicFile}).
     *
     * @throws IllegalArgumentException if the shape does not hold exactly as many values
     * @throws IOException if the file cannot be written; an existing file is then left as it was
     */
    static void write(Path file, long[] shape, float[] values) throws IOException {
        long count = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("shape " + shape(shape) + " has a negative dimension");
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("shape " + shape(shape) + " holds " + count + " values, given "
                    + values.length);
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape(shape) + ", }";
        // Spaces then a newline, so that the values start at a multiple of 64 bytes, as NumPy aligns them.
        int unpadded = PREAMBLE + dict.length() + 1;
        String header = dict + " ".repeat((ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT) + "\n";
        ByteBuffer bytes = ByteBuffer.allocate(PREAMBLE + header.length() + values.length * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        bytes.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length())
                .put(header.getBytes(StandardCharsets.ISO_8859_1));
        bytes.asFloatBuffer().put(values);
        AtomicFile.write(file, channel -> {
            ByteBuffer all = bytes.rewind();
            while (all.hasRemaining()) channel.write(all);
        });
    }

    /**
     * The shape the header declares, once it is checked to be exactly NumPy's dict of {@code descr},
     * {@code fortran_order} and {@code shape} (in any order, each once) describing float32 in C order.
     */
    private static long[] parseHeader(String header, Path file) throws DataFormatException {
        if (!header.endsWith("\n")) throw bad(file, "has a header that does not end in a newline: not a .npy header");
        Map<String, Object> dict = new HeaderParser(header.strip(), file).dict();
        if (!dict.keySet().equals(Set.of("descr", "fortran_order", "shape"))) {
            throw bad(file, "has header keys " + dict.keySet() + "; a .npy header has exactly descr, fortran_order"
                    + " and shape");
        }
        if (!(dict.get("descr") instanceof String descr)) throw bad(file, "has a descr that is not a string");
        if (!descr.equals("<f4")) {
            throw bad(file, "holds values of type '" + descr + "'; allowed: '<f4' (little-endian float32): save"
                    + " x.astype(np.float32)");
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw bad(file, "has a fortran_order that is not True or False");
        }
        if (fortran) {
            throw bad(file, "is in Fortran (column-major) order; allowed: C order: save np.ascontiguousarray(x)");
        }
        if (!(dict.get("shape") instanceof long[] shape)) throw bad(file, "has a shape that is not a tuple of integers");
        return shape;
    }

    /**
     * The header's dict literal: string keys, and values that are strings, True/False or tuples of integers.
     * Single pass, no recursion; every token is checked against what remains.
     */
    private static final class HeaderParser {
        private final String text;
        private final Path file;
        private int at;

        HeaderParser(String text, Path file) {
            this.text = text;
            this.file = file;
        }

        Map<String, Object> dict() throws DataFormatException {
            Map<String, Object> dict = new HashMap<>();
            expect('{');
            while (!peek('}')) {
                String key = string();
                expect(':');
                Object value = value();
                if (dict.put(key, value) != null) throw bad(file, "has the header key '" + key + "' twice");
                if (!peek('}')) expect(',');
            }
            expect('}');
            skipSpaces();
            if (at != text.length()) throw syntax("text after the closing brace");
            return dict;
        }

        private Object value() throws DataFormatException {
            skipSpaces();
            if (at < text.length() && (text.charAt(at) == '\'' || text.charAt(at) == '"')) return string();
            if (text.startsWith("True", at)) {
                at += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", at)) {
                at += 5;
                return Boolean.FALSE;
            }
            if (peek('(')) return tuple();
            throw syntax("a value that is not a string, True, False or a tuple");
        }

        private long[] tuple() throws DataFormatException {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (!peek(')')) {
                if (dims.size() == MAX_RANK) throw bad(file, "has a shape of more than " + MAX_RANK + " dimensions");
                dims.add(integer());
                if (!peek(')')) expect(',');
            }
            expect(')');
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private long integer() throws DataFormatException {
            skipSpaces();
            int start = at;
            while (at < text.length() && Character.isDigit(text.charAt(at)) && at - start <= 10) at++;
            if (at == start) throw syntax("a shape dimension that is not a non-negative integer");
            long value = Long.parseLong(text, start, at, 10);
            if (value > MAX_VALUES) {
                throw bad(file, "has a shape dimension of " + text.substring(start, at) + "; allowed: at most "
                        + MAX_VALUES);
            }
            return value;
        }

        private String string() throws DataFormatException {
            skipSpaces();
            if (at >= text.length() || (text.charAt(at) != '\'' && text.charAt(at) != '"')) {
                throw syntax("a key or value that is not a quoted string");
            }
            char quote = text.charAt(at++);
            int end = text.indexOf(quote, at);
            if (end < 0) throw syntax("an unterminated string");
            String value = text.substring(at, end);
            at = end + 1;
            return value;
        }

        private boolean peek(char c) {
            skipSpaces();
            return at < text.length() && text.charAt(at) == c;
        }

        private void expect(char c) throws DataFormatException {
            if (!peek(c)) throw syntax("'" + c + "' expected");
            at++;
        }

        private void skipSpaces() {
            while (at < text.length() && text.charAt(at) == ' ') at++;
        }

        private DataFormatException syntax(String problem) {
            return bad(file, "has a header that is not NumPy's dict literal: " + problem + " at character " + at
                    + " of " + quote(text));
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, Path file, long size)
            throws IOException {
        if (position + length > size) {
            throw bad(file, "is truncated: " + size + " bytes, the .npy header needs at least " + (position + length));
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw bad(file, "ended while being read (it shrank?)");
            }
        }
        return buffer.flip();
    }

    /** A shape as Python writes a tuple: (3,) for one dimension. */
    static String shape(long[] shape) {
        StringBuilder out = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) out.append(i == 0 ? "" : ", ").append(shape[i]);
        return out.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static String quote(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return "\"" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "\"";
    }

    private static DataFormatException bad(Path file, String problem) {
        return new DataFormatException(file.toString(), problem);
    }
}
