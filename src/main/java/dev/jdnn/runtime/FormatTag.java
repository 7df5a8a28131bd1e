package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

/** Memory format tags: the plain layouts at jdnn's boundary, and ANY to let a primitive choose. */
public enum FormatTag {
    ANY(dnnl_format_tag_any),
    A(dnnl_a),
    AB(dnnl_ab),
    NC(dnnl_nc),
    NCHW(dnnl_nchw),
    NHWC(dnnl_nhwc),
    OI(dnnl_oi),
    OIHW(dnnl_oihw),
    X(dnnl_x);

    private final int code;

    FormatTag(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }
}
