package dev.jdnn.onnx;

import java.io.IOException;

/**
 * An ONNX file that jdnn refuses to read: not protobuf (a truncated field, a length past the end, an overlong
 * varint), not an ONNX model (no graph, no operator set), or holding what jdnn does not read (external tensor data,
 * a data type it has no use for) or more than it reads (see the limits on {@link OnnxModel}). The message names the
 * file, where in the model the problem lies ({@code graph.node[3] (Conv 'conv1').attribute 'pads'}) and what is
 * allowed.
 */
public final class OnnxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param source the file or stream, as messages name it
     * @param problem what is wrong, and what is allowed
     */
    public OnnxFormatException(String source, String problem) {
        super(source + ": " + problem);
    }
}
