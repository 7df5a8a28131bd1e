package dev.jdnn.hardening;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Model file bytes taken apart by the layout of docs/FORMAT.md (magic, version, header length, header, data,
 * SHA-256 of all before it), written independently of ModelReader and ModelWriter: forged files that pass the
 * checksum reach the checks behind it. Public for the command line's tests (the core test-jar).
 */
public final class ModelFileBytes {
    static final int PREFIX = 8 + 4 + 8;
    static final int CHECKSUM = 32;

    private ModelFileBytes() {}

    /** {@code body} followed by its SHA-256, as the format ends a file. */
    static byte[] withChecksum(byte[] body) {
        try {
            byte[] file = Arrays.copyOf(body, body.length + CHECKSUM);
            System.arraycopy(MessageDigest.getInstance("SHA-256").digest(body), 0, file, body.length, CHECKSUM);
            return file;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The file with its last 32 bytes replaced by the SHA-256 of the rest (files shorter than that are kept). */
    static byte[] fixChecksum(byte[] file) {
        if (file.length < CHECKSUM) return file;
        return withChecksum(Arrays.copyOf(file, file.length - CHECKSUM));
    }

    /**
     * The file as a version-1 file (no graph: the config alone describes the network, docs/FORMAT.md) with its JSON
     * header edited by {@code edit}: how a forger makes the config or the input shape claim another network.
     */
    public static byte[] editHeaderAsVersion1(byte[] file, Consumer<ObjectNode> edit) throws IOException {
        byte[] edited = editHeader(file, header -> {
            header.remove("graph");
            edit.accept(header);
        });
        ByteBuffer.wrap(edited).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1);
        return fixChecksum(edited);
    }

    /** The file with its JSON header edited by {@code edit}; the data and the prefix's other fields are kept. */
    public static byte[] editHeader(byte[] file, Consumer<ObjectNode> edit) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Math.toIntExact(in.getLong(12));
        ObjectNode header = (ObjectNode) new ObjectMapper()
                .readTree(new String(file, PREFIX, headerLength, StandardCharsets.UTF_8));
        edit.accept(header);
        byte[] newHeader = header.toString().getBytes(StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(file, PREFIX + headerLength, file.length - CHECKSUM);
        ByteBuffer out = ByteBuffer.allocate(PREFIX + newHeader.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(file, 0, 12).putLong(newHeader.length).put(newHeader).put(data);
        return withChecksum(out.array());
    }
}
