package dev.jdnn.io;

import dev.jdnn.io.JsonValue.JsonArray;
import dev.jdnn.io.JsonValue.JsonInteger;
import dev.jdnn.io.JsonValue.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a model file's bytes from a stream, whose size is not known in advance, so that {@link ModelReader} can
 * check them as it checks a file: the prefix, then as many header bytes as the prefix claims, then as many data
 * and checksum bytes as the header's tensor table claims, and no more (the stream may go on). Each part is read
 * with {@link InputStream#readNBytes(int)}, which buffers in chunks as bytes arrive: a hostile claim of gigabytes
 * costs no more memory than the stream delivers. Whatever is wrong with the bytes is left to the reader to name.
 */
final class ModelStream {
    /** The most bytes a model read from a stream may have: they are held in one array. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private ModelStream() {}

    /**
     * The model file's bytes from {@code in}: all of them, or fewer if the stream ends early.
     *
     * @throws ModelFormatException if the prefix and header claim more than {@link #MAX_BYTES} in all
     */
    static byte[] read(InputStream in, Path name) throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        byte[] prefix = in.readNBytes(FileLayout.PREFIX_BYTES);
        file.write(prefix);
        // Another kind of stream (wrong magic or version) is not read further: the reader names it from the prefix.
        ByteBuffer fields = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN);
        if (prefix.length < FileLayout.PREFIX_BYTES
                || !Arrays.equals(prefix, 0, FileLayout.MAGIC.length, FileLayout.MAGIC, 0, FileLayout.MAGIC.length)
                || !FileLayout.reads(fields.getInt(FileLayout.MAGIC.length))) {
            return file.toByteArray();
        }
        long headerLength = fields.getLong(FileLayout.MAGIC.length + 4);
        long claimed = FileLayout.PREFIX_BYTES + headerLength;
        if (headerLength < 0 || claimed > MAX_BYTES) throw tooLarge(name, "a header of", headerLength);
        if (headerLength > FileLayout.MAX_HEADER_BYTES) {
            throw new ModelFormatException(name, "corrupt: a header of " + headerLength + " bytes, more than the "
                    + FileLayout.MAX_HEADER_BYTES + " jdnn reads");
        }
        byte[] header = in.readNBytes((int) headerLength);
        file.write(header);
        if (header.length == headerLength) {
            long data = dataLength(name, header);
            if (data > MAX_BYTES - claimed - FileLayout.CHECKSUM_BYTES) throw tooLarge(name, "tensors of", data);
            file.write(in.readNBytes((int) data + FileLayout.CHECKSUM_BYTES));
        }
        return file.toByteArray();
    }

    /** The data section's length by the tensor table (where the last tensor ends), or 0 if the header has no such table. */
    private static long dataLength(Path name, byte[] header) {
        try {
            if (HeaderJson.parse(name, new String(header, StandardCharsets.UTF_8)) instanceof JsonObject root
                    && root.get("tensors") instanceof JsonArray table && !table.values().isEmpty()
                    && table.values().getLast() instanceof JsonObject last
                    && last.get("data_offsets") instanceof JsonArray offsets && offsets.values().size() == 2
                    && offsets.values().get(1) instanceof JsonInteger(long end) && end >= 0) {
                return end;
            }
        } catch (ModelFormatException invalidJson) {
            // the reader names it
        }
        return 0;
    }

    private static ModelFormatException tooLarge(Path name, String what, long bytes) {
        return new ModelFormatException(name, "the model claims " + what + " " + Long.toUnsignedString(bytes)
                + " bytes, more than the " + MAX_BYTES + " bytes a model read from a stream may have; load it from a file");
    }
}
