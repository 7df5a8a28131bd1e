package dev.jdnn.runtime;

/** A oneDNN call returned a status other than success; names the call and the status. */
public final class DnnlException extends RuntimeException {
    private final Status status;
    private final String call;

    public DnnlException(Status status, int code, String call) {
        super(call + " failed: " + status.cName() + (status == Status.UNKNOWN ? " (" + code + ")" : "")
                + "; run with ONEDNN_VERBOSE=all for oneDNN's own account");
        this.status = status;
        this.call = call;
    }

    public Status status() {
        return status;
    }

    /** The C function that failed. */
    public String call() {
        return call;
    }
}
