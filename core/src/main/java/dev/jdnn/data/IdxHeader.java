package dev.jdnn.data;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The header of an IDX file: two zero bytes, the type code, the number of dimensions, then each dimension as
 * a big-endian 32-bit integer. The header is validated when it is read, before anything it claims is
 * allocated.
 */
public final class IdxHeader {
    /** The most elements a file may hold: the largest Java array. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final IdxType type;
    private final int[] dims;
    private final long elementCount;

    private IdxHeader(IdxType type, int[] dims, long elementCount) {
        this.type = type;
        this.dims = dims;
        this.elementCount = elementCount;
    }

    /** The element type. */
    public IdxType type() {
        return type;
    }

    /** The number of dimensions, 1 to 255. */
    public int rank() {
        return dims.length;
    }

    /** The size of dimension {@code index}, at least 1. */
    public int dim(int index) {
        return dims[index];
    }

    /** A copy of the dimension sizes. */
    public int[] dims() {
        return dims.clone();
    }

    /** The product of the dimensions: the number of elements that follow the header. */
    public long elementCount() {
        return elementCount;
    }

    /** The size of the header in bytes. */
    public long headerBytes() {
        return 4L + 4L * dims.length;
    }

    /** The size of the data that follows the header, in bytes. */
    public long dataBytes() {
        return elementCount * type.bytes();
    }

    @Override
    public String toString() {
        return type.name().toLowerCase() + Arrays.toString(dims);
    }

    /**
     * Reads and validates a header.
     *
     * @param in the stream, positioned at the first byte of the file (after any decompression)
     * @param source the name used in error messages
     * @throws DataFormatException if the header is short, has a wrong magic or type code, no dimensions, a
     *     dimension below 1 or above 2^31-1, or more than {@link #MAX_ELEMENTS} elements or data bytes
     */
    static IdxHeader read(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length == 0) throw new DataFormatException(source, "empty file, expected an IDX header");
        if (magic.length < 4) {
            throw new DataFormatException(source, "truncated IDX header: only " + magic.length + " bytes");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataFormatException(source, "not an IDX file: magic starts with 0x%02X 0x%02X, expected 0x00 0x00"
                    .formatted(magic[0] & 0xFF, magic[1] & 0xFF));
        }
        IdxType type = IdxType.forCode(magic[2] & 0xFF);
        if (type == null) {
            throw new DataFormatException(source, "unknown IDX type code 0x%02X (allowed: %s)"
                    .formatted(magic[2] & 0xFF, IdxType.allowed()));
        }
        int rank = magic[3] & 0xFF;
        if (rank == 0) throw new DataFormatException(source, "zero dimensions, an IDX file needs 1 to 255");
        byte[] sizes = in.readNBytes(4 * rank);
        if (sizes.length < 4 * rank) {
            throw new DataFormatException(source, "truncated IDX header: %d dimensions need %d bytes, found %d"
                    .formatted(rank, 4 * rank, sizes.length));
        }
        int[] dims = new int[rank];
        long count = 1;
        boolean overflow = false;
        for (int i = 0; i < rank; i++) {
            long size = ((sizes[4 * i] & 0xFFL) << 24) | ((sizes[4 * i + 1] & 0xFF) << 16)
                    | ((sizes[4 * i + 2] & 0xFF) << 8) | (sizes[4 * i + 3] & 0xFF);
            if (size == 0) {
                throw new DataFormatException(source, "dimension %d of %d has size 0, every size must be at least 1"
                        .formatted(i, rank));
            }
            if (size > Integer.MAX_VALUE) {
                throw new DataFormatException(source, "dimension %d of %d has size %d, above the limit %d"
                        .formatted(i, rank, size, Integer.MAX_VALUE));
            }
            dims[i] = (int) size;
            if (Math.multiplyHigh(count, size) != 0 || count * size < 0) overflow = true;
            count *= size;
        }
        if (overflow) {
            throw new DataFormatException(source, "the product of the dimensions %s overflows a 64-bit integer"
                    .formatted(Arrays.toString(dims)));
        }
        if (count > MAX_ELEMENTS) {
            throw new DataFormatException(source, "dimensions %s hold %d elements, above the limit of %d"
                    .formatted(Arrays.toString(dims), count, MAX_ELEMENTS));
        }
        if (count * type.bytes() > MAX_ELEMENTS) {
            // The reader keeps the stored bytes in one array (IdxArray), so their total has the same limit.
            throw new DataFormatException(source, "dimensions %s of %s hold %d data bytes, above the limit of %d"
                    .formatted(Arrays.toString(dims), type.name().toLowerCase(), count * type.bytes(), MAX_ELEMENTS));
        }
        return new IdxHeader(type, dims, count);
    }
}
