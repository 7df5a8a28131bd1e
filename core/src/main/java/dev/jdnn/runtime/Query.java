package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

/** The memory descriptors a primitive descriptor can be asked for. */
public enum Query {
    SRC(dnnl_query_src_md),
    DIFF_SRC(dnnl_query_diff_src_md),
    WEIGHTS(dnnl_query_weights_md),
    DIFF_WEIGHTS(dnnl_query_diff_weights_md),
    DST(dnnl_query_dst_md),
    DIFF_DST(dnnl_query_diff_dst_md),
    WORKSPACE(dnnl_query_workspace_md),
    SCRATCHPAD(dnnl_query_scratchpad_md);

    private final int code;

    Query(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }
}
