package dev.jdnn.io;

import dev.jdnn.internal.files.FileKind;
import dev.jdnn.io.JsonValue.JsonArray;
import dev.jdnn.io.JsonValue.JsonInteger;
import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.io.JsonValue.JsonString;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Reads and checks model files (docs/FORMAT.md), from a file or a stream. Every size the file claims is checked
 * against the file's actual size before anything is allocated for it, so a corrupt or hostile header cannot make
 * the reader allocate more than the file holds (a stream is first read as far as its header claims, in chunks as
 * its bytes arrive: {@link ModelStream}). The checks run in this order, so that each damage gets the message that names it:
 * magic, version, size, header length, header JSON, tensor table against the data section, checksum.
 */
public final class ModelReader {
    /** Bytes read per call into the data segment (a ByteBuffer view is limited to 2 GiB). */
    private static final int READ_CHUNK = 1 << 30;

    private ModelReader() {}

    /**
     * Reads and checks {@code file}.
     *
     * @throws NoSuchFileException if there is no such file
     * @throws FileSystemException if it is a folder
     * @throws ModelFormatException naming the problem if the file is not a valid model file, or not a regular file
     *     (a FIFO, a device), which is refused before it is opened
     * @throws IOException if it cannot be read
     */
    public static ModelContents read(Path file) throws IOException {
        FileKind kind;
        try {
            kind = FileKind.of(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such model file");
        }
        if (kind == FileKind.FOLDER) throw new FileSystemException(file.toString(), null, "a folder, not a model file");
        if (kind != FileKind.REGULAR_FILE) {
            throw new ModelFormatException(file, kind.notRegular() + "; a model file must be a regular file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such model file");
        }
        try (channel) {
            return read(file, Source.of(channel));
        }
    }

    /**
     * Reads and checks the model file that {@code in} holds, reading no further than its end (the stream is left
     * open). The checks and messages are those of {@link #read(Path)}; a stream that ends early is truncated.
     *
     * @param name what the messages call the stream, such as a resource name
     * @throws ModelFormatException naming the problem if the bytes are not a valid model file, or if its header
     *     claims more than the 2 GiB a model read from a stream may have
     * @throws IOException if the stream cannot be read
     */
    public static ModelContents read(InputStream in, Path name) throws IOException {
        return read(name, Source.of(ModelStream.read(in, name)));
    }

    private static ModelContents read(Path file, Source channel) throws IOException {
        long size = channel.size();
        // Magic and version first, so that a short file of another kind is named as such, not as truncated.
        ByteBuffer prefix = readFully(channel, 0, (int) Math.min(size, FileLayout.PREFIX_BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (size >= FileLayout.MAGIC.length) {
            byte[] magic = new byte[FileLayout.MAGIC.length];
            prefix.get(magic);
            if (!Arrays.equals(magic, FileLayout.MAGIC)) {
                throw new ModelFormatException(file, "not a jdnn model file: it starts with bytes "
                        + HexFormat.ofDelimiter(" ").formatHex(magic) + " instead of the magic 'JDNNMODL'");
            }
        }
        int version = 0;
        if (size >= FileLayout.MAGIC.length + 4) {
            version = prefix.getInt();
            if (!FileLayout.reads(version)) {
                throw new ModelFormatException(file, "unsupported format version " + Integer.toUnsignedString(version)
                        + "; this jdnn reads versions " + FileLayout.OLDEST_READ_VERSION + " to " + FileLayout.VERSION);
            }
        }
        long minimum = FileLayout.PREFIX_BYTES + 2 + FileLayout.CHECKSUM_BYTES;
        if (size < minimum) {
            throw new ModelFormatException(file, "truncated: the file has " + size + " bytes, fewer than the "
                    + minimum + " of the smallest model file");
        }
        long headerLength = prefix.getLong();
        long available = size - FileLayout.PREFIX_BYTES - FileLayout.CHECKSUM_BYTES;
        if (headerLength < 2 || headerLength > available) {
            throw new ModelFormatException(file, "truncated or corrupt: the header claims "
                    + Long.toUnsignedString(headerLength) + " bytes but " + available
                    + " bytes lie between the prefix and the checksum");
        }
        if (headerLength > FileLayout.MAX_HEADER_BYTES) {
            throw new ModelFormatException(file, "corrupt: a header of " + headerLength + " bytes, more than the "
                    + FileLayout.MAX_HEADER_BYTES + " jdnn reads");
        }
        ByteBuffer headerBytes = readFully(channel, FileLayout.PREFIX_BYTES, (int) headerLength);
        String header = StandardCharsets.UTF_8.decode(headerBytes.duplicate()).toString();
        long dataStart = FileLayout.PREFIX_BYTES + headerLength;
        long dataLength = available - headerLength;
        JsonObject root = parse(file, header);
        List<TensorEntry> tensors = table(file, root, version, size, dataLength);

        MessageDigest digest = FileLayout.digest();
        digest.update(prefix.rewind());
        digest.update(headerBytes.rewind());
        Arena arena = Arena.ofConfined();
        try {
            MemorySegment data = arena.allocate(Math.max(dataLength, 1), 64).asSlice(0, dataLength);
            for (long done = 0; done < dataLength; ) {
                int n = (int) Math.min(READ_CHUNK, dataLength - done);
                ByteBuffer chunk = data.asSlice(done, n).asByteBuffer();
                readFully(channel, dataStart + done, chunk);
                digest.update(chunk.flip());
                done += n;
            }
            byte[] stored = new byte[FileLayout.CHECKSUM_BYTES];
            readFully(channel, size - FileLayout.CHECKSUM_BYTES, FileLayout.CHECKSUM_BYTES).get(stored);
            byte[] computed = digest.digest();
            if (!MessageDigest.isEqual(stored, computed)) {
                throw new ModelFormatException(file, "checksum mismatch: the file is corrupt (stored SHA-256 "
                        + HexFormat.of().formatHex(stored) + ", computed " + HexFormat.of().formatHex(computed) + ")");
            }
            return new ModelContents(file, version, root, tensors, arena, data);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static JsonObject parse(Path file, String header) throws ModelFormatException {
        if (!(HeaderJson.parse(file, header) instanceof JsonObject root)) {
            throw new ModelFormatException(file, "corrupt header: not a JSON object");
        }
        return root;
    }

    /** The tensor table, checked against the data section: contiguous, in order, sized as the shapes say. */
    private static List<TensorEntry> table(Path file, JsonObject root, int version, long fileSize, long dataLength)
            throws ModelFormatException {
        if (!(root.get("tensors") instanceof JsonArray rows)) {
            throw new ModelFormatException(file, "corrupt header: no 'tensors' table");
        }
        List<TensorEntry> tensors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long expectedBegin = 0;
        for (JsonValue value : rows.values()) {
            if (!(value instanceof JsonObject row && row.get("name") instanceof JsonString(String name)) || name.isEmpty()) {
                throw new ModelFormatException(file, "corrupt header: tensor " + tensors.size() + " has no name");
            }
            if (!names.add(name)) throw new ModelFormatException(file, "corrupt header: two tensors are named '" + name + "'");
            String dtype = row.get("dtype") instanceof JsonString(String s) ? s : "";
            if (!dtype.equals(FileLayout.DTYPE)) {
                throw new ModelFormatException(file, "tensor '" + name + "' has dtype '" + dtype
                        + "'; format version " + version + " stores " + FileLayout.DTYPE + " only");
            }
            long[] shape = longs(file, name, "shape", row.get("shape"), -1);
            long[] offsets = longs(file, name, "data_offsets", row.get("data_offsets"), 2);
            long bytes = byteSize(file, name, shape, fileSize);
            if (offsets[0] != expectedBegin) {
                throw new ModelFormatException(file, "corrupt header: tensor '" + name + "' starts at byte " + offsets[0]
                        + " of the data section, expected " + expectedBegin
                        + " (tensors are stored one after another in table order)");
            }
            if (offsets[1] - offsets[0] != bytes) {
                throw new ModelFormatException(file, "corrupt header: tensor '" + name + "' of shape "
                        + Arrays.toString(shape) + " needs " + bytes + " bytes but its data_offsets span "
                        + (offsets[1] - offsets[0]));
            }
            if (offsets[1] > dataLength) {
                throw new ModelFormatException(file, "truncated: the tensors up to '" + name + "' need " + offsets[1]
                        + " bytes of data but the file holds only " + dataLength);
            }
            tensors.add(new TensorEntry(name, shape, offsets[0], offsets[1]));
            expectedBegin = offsets[1];
        }
        if (expectedBegin != dataLength) {
            throw new ModelFormatException(file, "corrupt: " + (dataLength - expectedBegin)
                    + " bytes of data follow the last tensor");
        }
        return List.copyOf(tensors);
    }

    /** The tensor's byte count, refused if it cannot fit in the file (checked before any allocation). */
    private static long byteSize(Path file, String name, long[] shape, long fileSize) throws ModelFormatException {
        long count = 1;
        try {
            for (long d : shape) count = Math.multiplyExact(count, d);
            long bytes = Math.multiplyExact(count, (long) Float.BYTES);
            if (bytes > fileSize) {
                throw new ModelFormatException(file, "tensor '" + name + "' claims " + count + " values of shape "
                        + Arrays.toString(shape) + " (" + bytes + " bytes), more than the whole file holds ("
                        + fileSize + " bytes)");
            }
            return bytes;
        } catch (ArithmeticException e) {
            throw new ModelFormatException(file, "tensor '" + name + "' has an impossible shape "
                    + Arrays.toString(shape) + ": its size overflows 64 bits");
        }
    }

    /** A JSON array of non-negative integers, of {@code length} entries (any length if negative). */
    private static long[] longs(Path file, String tensor, String key, JsonValue node, int length)
            throws ModelFormatException {
        if (!(node instanceof JsonArray array) || (length >= 0 && array.values().size() != length)) {
            throw notLongs(file, tensor, key, node, length);
        }
        long[] values = new long[array.values().size()];
        for (int i = 0; i < values.length; i++) {
            if (!(array.values().get(i) instanceof JsonInteger(long value)) || value < 0) {
                throw notLongs(file, tensor, key, node, length);
            }
            values[i] = value;
        }
        return values;
    }

    private static ModelFormatException notLongs(Path file, String tensor, String key, JsonValue node, int length) {
        return new ModelFormatException(file, "corrupt header: tensor '" + tensor + "' needs '" + key
                + "' as an array of " + (length < 0 ? "" : length + " ") + "non-negative integers, got " + node);
    }

    private static ByteBuffer readFully(Source channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        readFully(channel, position, buffer);
        return buffer.flip();
    }

    private static void readFully(Source channel, long position, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) throw new EOFException("the file shrank while it was read");
            position += n;
        }
    }

    /** A model file's bytes: an open file, or what {@link ModelStream} read from a stream. */
    private interface Source {
        long size() throws IOException;

        /** As {@link FileChannel#read(ByteBuffer, long)}: the number of bytes read, or -1 at the end. */
        int read(ByteBuffer buffer, long position) throws IOException;

        static Source of(FileChannel channel) {
            return new Source() {
                @Override
                public long size() throws IOException {
                    return channel.size();
                }

                @Override
                public int read(ByteBuffer buffer, long position) throws IOException {
                    return channel.read(buffer, position);
                }
            };
        }

        static Source of(byte[] bytes) {
            return new Source() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public int read(ByteBuffer buffer, long position) {
                    if (position >= bytes.length) return -1;
                    int n = (int) Math.min(buffer.remaining(), bytes.length - position);
                    buffer.put(bytes, (int) position, n);
                    return n;
                }
            };
        }
    }
}
