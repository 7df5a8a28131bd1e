package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

/** Which pass a primitive computes. */
public enum PropKind {
    FORWARD_TRAINING(dnnl_forward_training),
    FORWARD_INFERENCE(dnnl_forward_inference),
    BACKWARD(dnnl_backward),
    BACKWARD_DATA(dnnl_backward_data),
    BACKWARD_WEIGHTS(dnnl_backward_weights);

    private final int code;

    PropKind(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }
}
