package dev.jdnn.data;

import dev.jdnn.internal.files.FileKind;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST family's format), raw or gzip-compressed; compression is recognised by the gzip
 * magic bytes 0x1F 0x8B, not by the file name. {@link IdxArray#values()} converts any element type to float.
 *
 * <p>A corrupt header cannot make the reader allocate what it claims: a raw file's claimed size is checked
 * against the file's length first, and compressed data, whose length is unknown up front, is read into an
 * array that grows only as data actually arrives.
 */
public final class IdxReader {
    private static final int CHUNK_BYTES = 1 << 16;
    /** The first allocation for compressed data of unknown length, in elements. */
    private static final int INITIAL_ELEMENTS = 1 << 20;

    private IdxReader() {}

    /**
     * Reads a whole IDX file.
     *
     * @throws DataFormatException if the file is not a valid IDX file (the message names the file and the
     *     problem: magic, type code, dimensions, truncated or trailing data, corrupt compression), or if it is not
     *     a regular file (a folder, a FIFO, a device), refused before it is opened
     * @throws IOException if the file cannot be read
     */
    public static IdxArray read(Path file) throws IOException {
        FileKind kind = FileKind.of(file);
        if (kind != FileKind.REGULAR_FILE) {
            throw new DataFormatException(file.toString(), kind.notRegular() + "; an IDX file must be a regular file");
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK_BYTES)) {
            boolean compressed = isGzip(in);
            return read(in, compressed, file.toString(), compressed ? -1 : Files.size(file));
        }
    }

    /**
     * Reads an IDX file from a stream to its end; does not close the stream.
     *
     * @param source the name used in error messages, e.g. a resource name
     * @throws DataFormatException if the data is not a valid IDX file
     * @throws IOException if the stream cannot be read
     */
    public static IdxArray read(InputStream stream, String source) throws IOException {
        InputStream in = new BufferedInputStream(stream, CHUNK_BYTES);
        return read(in, isGzip(in), source, -1);
    }

    private static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1F && second == 0x8B;
    }

    /** {@code length} is the total number of bytes if known, else -1. */
    private static IdxArray read(InputStream raw, boolean compressed, String source, long length) throws IOException {
        try {
            // Inside the try: the constructor reads the gzip header, and a damaged one (IdxReaderFuzzTest found
            // "Unsupported compression method") must be a DataFormatException naming the file like any other damage.
            InputStream in = compressed ? new GZIPInputStream(raw, CHUNK_BYTES) : raw;
            IdxHeader header = IdxHeader.read(in, source);
            int capacity = (int) Math.min(header.elementCount(), INITIAL_ELEMENTS);
            if (length >= 0) {
                checkLength(header, length, source);
                capacity = (int) header.elementCount();
            }
            byte[] data = readData(in, header, capacity, source);
            if (in.read() != -1) {
                throw new DataFormatException(source, "trailing bytes after the %d elements of %s"
                        .formatted(header.elementCount(), header));
            }
            return new IdxArray(header, data);
        } catch (ZipException | EOFException e) {
            // GZIPInputStream reports a cut or damaged stream this way.
            throw new DataFormatException(source, "corrupt or truncated gzip data: " + e.getMessage(), e);
        }
    }

    private static void checkLength(IdxHeader header, long length, String source) throws DataFormatException {
        long available = length - header.headerBytes();
        if (available < header.dataBytes()) {
            throw new DataFormatException(source, "truncated: header %s needs %d data bytes, the file has %d after the header"
                    .formatted(header, header.dataBytes(), available));
        }
        if (available > header.dataBytes()) {
            throw new DataFormatException(source, "%d trailing bytes after the %d data bytes of %s"
                    .formatted(available - header.dataBytes(), header.dataBytes(), header));
        }
    }

    /** Reads the element bytes into an array of {@code capacity} elements at first, grown as data arrives. */
    private static byte[] readData(InputStream in, IdxHeader header, int capacity, String source) throws IOException {
        int total = (int) header.dataBytes();
        int size = header.type().bytes();
        byte[] data = new byte[capacity * size];
        int done = 0;
        while (done < total) {
            if (done == data.length) {
                // Grow by doubling, never past the claimed size: memory follows the data that really exists.
                data = Arrays.copyOf(data, (int) Math.min(total, Math.max(2L * data.length, CHUNK_BYTES)));
            }
            int got = in.readNBytes(data, done, data.length - done);
            if (got == 0) {
                throw new DataFormatException(source, "truncated: header %s needs %d elements, the data ends after %d"
                        .formatted(header, header.elementCount(), done / size));
            }
            done += got;
        }
        return data;
    }
}
