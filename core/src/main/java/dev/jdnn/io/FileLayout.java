package dev.jdnn.io;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The fixed parts of a jdnn model file (docs/FORMAT.md): an 8-byte magic, a 32-bit version, the 64-bit length of
 * the JSON header, the header, the data section, and the SHA-256 of everything before it.
 */
final class FileLayout {
    static final byte[] MAGIC = "JDNNMODL".getBytes(StandardCharsets.US_ASCII);
    /** The version this code writes: version 1 and a graph in the header. */
    static final int VERSION = 2;
    /** The oldest version this code reads: a header whose config alone describes the network. */
    static final int OLDEST_READ_VERSION = 1;
    /** Magic, version and header length. */
    static final int PREFIX_BYTES = 8 + 4 + 8;
    static final int CHECKSUM_BYTES = 32;
    /**
     * The longest header jdnn reads, 64 MiB: the JSON is read into the heap whole (twice, as bytes and as text), so
     * a header claiming 2^31 bytes in a large or sparse file ran the heap out (issue 20). A real header is a few
     * kilobytes plus about 200 bytes per epoch of history.
     */
    static final long MAX_HEADER_BYTES = 1L << 26;
    /** The data section starts at a multiple of this (the header is padded with spaces), so it can be mapped aligned. */
    static final int DATA_ALIGNMENT = 64;
    static final String DTYPE = "F32";

    private FileLayout() {}

    /** Whether this code reads files of {@code version}. */
    static boolean reads(int version) {
        return version >= OLDEST_READ_VERSION && version <= VERSION;
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }
}
