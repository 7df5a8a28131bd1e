package dev.jdnn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A model file taken apart by the layout that docs/FORMAT.md documents, written independently of the reader and
 * writer so that tests can forge files that are consistent except for one chosen defect.
 */
record RawModelFile(byte[] magic, int version, ObjectNode header, byte[] data) {
    static final int PREFIX = 20;
    static final int CHECKSUM = 32;

    static RawModelFile read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = Arrays.copyOf(bytes, 8);
        b.position(8);
        int version = b.getInt();
        int headerLength = Math.toIntExact(b.getLong());
        String header = new String(bytes, PREFIX, headerLength, StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(bytes, PREFIX + headerLength, bytes.length - CHECKSUM);
        return new RawModelFile(magic, version, (ObjectNode) new ObjectMapper().readTree(header), data);
    }

    /** Writes the parts with a correct checksum (the header is not padded: the format does not require it). */
    void write(Path file) throws IOException {
        byte[] headerBytes = header().toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(PREFIX + headerBytes.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(magic).putInt(version).putLong(headerBytes.length).put(headerBytes).put(data);
        byte[] body = b.array();
        try {
            byte[] sum = MessageDigest.getInstance("SHA-256").digest(body);
            byte[] all = Arrays.copyOf(body, body.length + CHECKSUM);
            System.arraycopy(sum, 0, all, body.length, CHECKSUM);
            Files.write(file, all);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The tensor table's row named {@code name}. */
    ObjectNode tensor(String name) {
        for (var row : header.withArray("tensors")) {
            if (row.path("name").asText().equals(name)) return (ObjectNode) row;
        }
        throw new AssertionError("no tensor " + name + " in " + header);
    }
}
