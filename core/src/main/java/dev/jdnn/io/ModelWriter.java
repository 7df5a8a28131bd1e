package dev.jdnn.io;

import dev.jdnn.io.JsonValue.JsonArray;
import dev.jdnn.io.JsonValue.JsonObject;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes model files (docs/FORMAT.md) atomically ({@link AtomicFile}): a reader sees the old file or the new one,
 * never a part.
 */
public final class ModelWriter {
    private static final ValueLayout.OfFloat LITTLE_ENDIAN_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Floats staged per write. */
    private static final int CHUNK_FLOATS = 16384;

    private ModelWriter() {}

    /**
     * Writes {@code tensors}, in order, under a header made of {@code header} (the writer adds its {@code tensors}
     * table).
     *
     * @throws IllegalArgumentException if the header already has a "tensors" key, two tensors share a name, or the
     *     header with its table would be longer than the 64 MiB {@link ModelReader} reads; nothing is written then
     * @throws FileSystemException if {@code file} is a folder
     * @throws IOException if the file cannot be written; the previous file at {@code file}, if any, is unchanged
     */
    public static void write(Path file, JsonObject header, List<NamedTensor> tensors) throws IOException {
        byte[] headerBytes = headerBytes(header, tensors);
        AtomicFile.write(file, channel -> writeContents(channel, headerBytes, tensors));
    }

    private static byte[] headerBytes(JsonObject header, List<NamedTensor> tensors) {
        if (header.get("tensors") != null) throw new IllegalArgumentException("the header must not have a 'tensors' key");
        List<JsonValue> table = new ArrayList<>();
        Set<String> names = new HashSet<>();
        long offset = 0;
        for (NamedTensor tensor : tensors) {
            if (!names.add(tensor.name())) throw new IllegalArgumentException("two tensors are named " + tensor.name());
            long end = offset + tensor.values().byteSize();
            table.add(new JsonObject.Builder().put("name", tensor.name()).put("dtype", FileLayout.DTYPE)
                    .put("shape", JsonArray.ofLongs(tensor.shape())).put("data_offsets", JsonArray.ofLongs(offset, end))
                    .build());
            offset = end;
        }
        Map<String, JsonValue> members = new LinkedHashMap<>(header.members());
        members.put("tensors", new JsonArray(table));
        byte[] text = new JsonObject(members).toString().getBytes(StandardCharsets.UTF_8);
        // Spaces after the object are valid JSON and put the data section on an aligned offset.
        long length = FileLayout.PREFIX_BYTES + (long) text.length;
        long padded = (length + FileLayout.DATA_ALIGNMENT - 1) / FileLayout.DATA_ALIGNMENT * FileLayout.DATA_ALIGNMENT;
        long headerLength = padded - FileLayout.PREFIX_BYTES;
        // A file the reader refuses would be a model saved and lost: refuse it here, before the file is touched.
        if (headerLength > FileLayout.MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("the header would be " + headerLength + " bytes, more than the "
                    + FileLayout.MAX_HEADER_BYTES + " bytes (64 MiB) a model file may hold: fewer or shorter class"
                    + " names, or a shorter history");
        }
        byte[] bytes = new byte[(int) headerLength];
        System.arraycopy(text, 0, bytes, 0, text.length);
        Arrays.fill(bytes, text.length, bytes.length, (byte) ' ');
        return bytes;
    }

    private static void writeContents(FileChannel channel, byte[] header, List<NamedTensor> tensors) throws IOException {
        MessageDigest digest = FileLayout.digest();
        ByteBuffer prefix = ByteBuffer.allocate(FileLayout.PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        prefix.put(FileLayout.MAGIC).putInt(FileLayout.VERSION).putLong(header.length).flip();
        write(channel, digest, prefix);
        write(channel, digest, ByteBuffer.wrap(header));
        byte[] chunk = new byte[CHUNK_FLOATS * Float.BYTES];
        MemorySegment staging = MemorySegment.ofArray(chunk);
        for (NamedTensor tensor : tensors) {
            MemorySegment values = tensor.values();
            long count = values.byteSize() / Float.BYTES;
            for (long start = 0; start < count; start += CHUNK_FLOATS) {
                int n = (int) Math.min(CHUNK_FLOATS, count - start);
                MemorySegment.copy(values, ValueLayout.JAVA_FLOAT_UNALIGNED, start * Float.BYTES, staging,
                        LITTLE_ENDIAN_FLOAT, 0, n);
                write(channel, digest, ByteBuffer.wrap(chunk, 0, n * Float.BYTES));
            }
        }
        writeFully(channel, ByteBuffer.wrap(digest.digest()));
    }

    private static void write(FileChannel channel, MessageDigest digest, ByteBuffer bytes) throws IOException {
        digest.update(bytes.duplicate());
        writeFully(channel, bytes);
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) channel.write(bytes);
    }
}
