package dev.jdnn.onnx;

/**
 * An ONNX model that jdnn reads but does not import: an operator or attribute it has no operation for, a value it
 * needs constant that is computed, or shapes that do not fit. The message names the file, the node, its operator and
 * what is supported.
 */
public final class OnnxImportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OnnxImportException(String message) {
        super(message);
    }

    public OnnxImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
