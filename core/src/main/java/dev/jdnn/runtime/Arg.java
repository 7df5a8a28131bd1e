package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

/** The execution argument slots of oneDNN primitives (DNNL_ARG_*). */
public enum Arg {
    SRC(DNNL_ARG_SRC),
    DST(DNNL_ARG_DST),
    WEIGHTS(DNNL_ARG_WEIGHTS),
    BIAS(DNNL_ARG_BIAS),
    SCALE(DNNL_ARG_SCALE),
    SHIFT(DNNL_ARG_SHIFT),
    MEAN(DNNL_ARG_MEAN),
    VARIANCE(DNNL_ARG_VARIANCE),
    WORKSPACE(DNNL_ARG_WORKSPACE),
    SCRATCHPAD(DNNL_ARG_SCRATCHPAD),
    DIFF_SRC(DNNL_ARG_DIFF_SRC),
    DIFF_DST(DNNL_ARG_DIFF_DST),
    DIFF_WEIGHTS(DNNL_ARG_DIFF_WEIGHTS),
    DIFF_BIAS(DNNL_ARG_DIFF_BIAS),
    DIFF_SCALE(DNNL_ARG_DIFF_SCALE),
    DIFF_SHIFT(DNNL_ARG_DIFF_SHIFT),
    FROM(DNNL_ARG_FROM),
    TO(DNNL_ARG_TO);

    private final int code;

    Arg(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }
}
