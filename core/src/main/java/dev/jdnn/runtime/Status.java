package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

/** oneDNN's dnnl_status_t, with the names its documentation uses. */
public enum Status {
    SUCCESS(dnnl_success, "success"),
    OUT_OF_MEMORY(dnnl_out_of_memory, "out_of_memory"),
    INVALID_ARGUMENTS(dnnl_invalid_arguments, "invalid_arguments"),
    UNIMPLEMENTED(dnnl_unimplemented, "unimplemented"),
    LAST_IMPL_REACHED(dnnl_last_impl_reached, "last_impl_reached"),
    RUNTIME_ERROR(dnnl_runtime_error, "runtime_error"),
    NOT_REQUIRED(dnnl_not_required, "not_required"),
    UNKNOWN(-1, "unknown");

    private final int code;
    private final String cName;

    Status(int code, String cName) {
        this.code = code;
        this.cName = cName;
    }

    public int code() {
        return code;
    }

    /** The status name as oneDNN spells it, e.g. {@code invalid_arguments}. */
    public String cName() {
        return cName;
    }

    static Status of(int code) {
        for (Status status : values()) {
            if (status.code == code) return status;
        }
        return UNKNOWN;
    }
}
