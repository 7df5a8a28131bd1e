package dev.jdnn.data;

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

    /** Converts {@code count} big-endian elements at the start of {@code src} to floats at {@code dst[dstOffset...]}. */
    void convert(byte[] src, int count, float[] dst, int dstOffset) {
        // Plain byte arithmetic, one loop per type: fast even before the JIT's last tier, which matters for
        // a single pass over 47 million pixels.
        switch (this) {
            case UBYTE -> { for (int i = 0; i < count; i++) dst[dstOffset + i] = src[i] & 0xFF; }
            case BYTE -> { for (int i = 0; i < count; i++) dst[dstOffset + i] = src[i]; }
            case SHORT -> { for (int i = 0; i < count; i++) dst[dstOffset + i] = (short) (src[2 * i] << 8 | src[2 * i + 1] & 0xFF); }
            case INT -> { for (int i = 0; i < count; i++) dst[dstOffset + i] = int32(src, 4 * i); }
            case FLOAT -> { for (int i = 0; i < count; i++) dst[dstOffset + i] = Float.intBitsToFloat(int32(src, 4 * i)); }
            case DOUBLE -> {
                for (int i = 0; i < count; i++) {
                    long bits = (long) int32(src, 8 * i) << 32 | int32(src, 8 * i + 4) & 0xFFFF_FFFFL;
                    dst[dstOffset + i] = (float) Double.longBitsToDouble(bits);
                }
            }
        }
    }

    private static int int32(byte[] src, int at) {
        return src[at] << 24 | (src[at + 1] & 0xFF) << 16 | (src[at + 2] & 0xFF) << 8 | src[at + 3] & 0xFF;
    }
}
