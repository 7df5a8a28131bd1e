package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

/**
 * Memory format tags: the plain layouts at jdnn's boundary (GOIHW: a grouped convolution's weights), ANY to let
 * a primitive choose, and the 16-channel blocked layout that inference can ask for explicitly.
 */
public enum FormatTag {
    ANY(dnnl_format_tag_any),
    A(dnnl_a),
    AB(dnnl_ab),
    NC(dnnl_nc),
    NCHW(dnnl_nchw),
    NHWC(dnnl_nhwc),
    NCHW16C(dnnl_nChw16c),
    OI(dnnl_oi),
    OIHW(dnnl_oihw),
    GOIHW(dnnl_goihw),
    X(dnnl_x);

    private final int code;

    FormatTag(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }
}
