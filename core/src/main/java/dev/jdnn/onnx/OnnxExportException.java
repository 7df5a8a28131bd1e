package dev.jdnn.onnx;

/**
 * A model that cannot be written as ONNX: a layer or an activation that has no operator in the opset jdnn
 * writes ({@value OnnxExport#OPSET}). The message names it and says what can be exported.
 */
public final class OnnxExportException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public OnnxExportException(String message) {
        super(message);
    }
}
