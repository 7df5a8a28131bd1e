package dev.jdnn.data;

import java.nio.ByteBuffer;

/** The element types of the IDX format, with their type codes (third magic byte) and sizes. */
public enum IdxType {
    UBYTE(0x08, 1),
    BYTE(0x09, 1),
    SHORT(0x0B, 2),
    INT(0x0C, 4),
    FLOAT(0x0D, 4),
    DOUBLE(0x0E, 8);

    private final int code;
    private final int bytes;

    IdxType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The type code stored in the third byte of an IDX file. */
    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The type for a code, or null if the code is not one of the IDX types. */
    static IdxType forCode(int code) {
        for (IdxType type : values()) {
            if (type.code == code) return type;
        }
        return null;
    }

    /** The allowed codes for error messages, e.g. "0x08 ubyte, 0x09 byte, ...". */
    static String allowed() {
        StringBuilder text = new StringBuilder();
        for (IdxType type : values()) {
            if (!text.isEmpty()) text.append(", ");
            text.append("0x%02X %s".formatted(type.code, type.name().toLowerCase()));
        }
        return text.toString();
    }

    /** Converts {@code count} big-endian elements of {@code src} to floats at {@code dst[dstOffset...]}. */
    void convert(ByteBuffer src, int count, float[] dst, int dstOffset) {
        // One loop per type, so that the type switch stays out of the per-element work.
        switch (this) {
            case UBYTE -> { for (int i = 0; i < count; i++) dst[dstOffset + i] = src.get(i) & 0xFF; }
            case BYTE -> { for (int i = 0; i < count; i++) dst[dstOffset + i] = src.get(i); }
            case SHORT -> { for (int i = 0; i < count; i++) dst[dstOffset + i] = src.getShort(2 * i); }
            case INT -> { for (int i = 0; i < count; i++) dst[dstOffset + i] = src.getInt(4 * i); }
            case FLOAT -> { for (int i = 0; i < count; i++) dst[dstOffset + i] = src.getFloat(4 * i); }
            case DOUBLE -> { for (int i = 0; i < count; i++) dst[dstOffset + i] = (float) src.getDouble(8 * i); }
        }
    }
}
