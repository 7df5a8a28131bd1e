package dev.jdnn.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** An exported model run in ONNX Runtime on one thread: its logits, row after row. */
final class OrtLogits {
    private OrtLogits() {}

    /** The logits of {@code model} for the N x C x H x W {@code images}, flattened. */
    static float[] of(byte[] model, float[] images, long[] shape) throws OrtException {
        OrtEnvironment ort = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = ort.createSession(model, options);
                 OnnxTensor input = OnnxTensor.createTensor(ort, FloatBuffer.wrap(images), shape);
                 OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
                float[][] rows = (float[][]) result.get(OnnxExport.OUTPUT).orElseThrow().getValue();
                float[] flat = new float[rows.length * rows[0].length];
                for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
                return flat;
            }
        }
    }
}
