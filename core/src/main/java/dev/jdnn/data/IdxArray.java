package dev.jdnn.data;

/**
 * The contents of an IDX file: its header and its elements as the file stores them (big-endian, of the
 * header's type). Kept as bytes so that 8-bit images stay one byte per pixel until a batch is copied out.
 */
public final class IdxArray {
    private final IdxHeader header;
    private final byte[] data;

    /** Takes {@code data} over without copying: exactly {@code header.dataBytes()} bytes. */
    IdxArray(IdxHeader header, byte[] data) {
        if (data.length != header.dataBytes()) {
            throw new IllegalArgumentException("header " + header + " needs " + header.dataBytes()
                    + " data bytes, got " + data.length);
        }
        this.header = header;
        this.data = data;
    }

    /** The validated header. */
    public IdxHeader header() {
        return header;
    }

    /** The {@code header().elementCount()} elements converted to float, in the file's (row-major) order; a new array. */
    public float[] values() {
        float[] values = new float[data.length / header.type().bytes()];
        header.type().convert(data, values.length, values, 0);
        return values;
    }

    /** The stored element bytes, not copied: callers in this package must not change them. */
    byte[] data() {
        return data;
    }
}
