package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

/** Element types jdnn uses; f32 everywhere, bf16 for opt-in reduced-precision inference. */
public enum DataType {
    F32(dnnl_f32, 4),
    BF16(dnnl_bf16, 2),
    S32(dnnl_s32, 4),
    U8(dnnl_u8, 1);

    private final int code;
    private final int byteSize;

    DataType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    int code() {
        return code;
    }

    public int byteSize() {
        return byteSize;
    }

    static DataType of(int code) {
        for (DataType type : values()) {
            if (type.code == code) return type;
        }
        throw new IllegalArgumentException("oneDNN data type " + code + " is not one jdnn uses");
    }
}
