package dev.jdnn.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jdnn.layers.Network;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;

/**
 * An exported model run in ONNX Runtime on one thread: its logits, row after row. Public for the tests of other
 * packages that take ONNX Runtime as their reference (compiled inference of graphs).
 */
public final class OrtLogits {
    private OrtLogits() {}

    /** A network's export: the op types of its nodes, in order, and ONNX Runtime's logits for some images. */
    public record Exported(List<String> operators, float[] logits) {}

    /**
     * {@code network} exported with {@code batchNorm} and run in ONNX Runtime on {@code batch} images (the
     * network's per-sample input shape each, N x C x H x W floats).
     */
    public static Exported ofNetwork(Network network, OnnxExport.BatchNormMode batchNorm, float[] images, int batch)
            throws OrtException {
        OnnxExport.Built built = OnnxExport.build(network, null, batchNorm);
        long[] image = network.inputShape();
        long[] shape = {batch, image[0], image[1], image[2]};
        return new Exported(built.operators(), of(built.bytes(), images, shape));
    }

    /** The logits of {@code model} for the N x C x H x W {@code images}, flattened. */
    static float[] of(byte[] model, float[] images, long[] shape) throws OrtException {
        return of(model, images, shape, OnnxExport.INPUT, OnnxExport.OUTPUT);
    }

    /** The output {@code output} of {@code model} for the N x C x H x W {@code images} as {@code input}, flattened. */
    static float[] of(byte[] model, float[] images, long[] shape, String input, String output) throws OrtException {
        OrtEnvironment ort = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = ort.createSession(model, options);
                 OnnxTensor tensor = OnnxTensor.createTensor(ort, FloatBuffer.wrap(images), shape);
                 OrtSession.Result result = session.run(Map.of(input, tensor))) {
                float[][] rows = (float[][]) result.get(output).orElseThrow().getValue();
                float[] flat = new float[rows.length * rows[0].length];
                for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
                return flat;
            }
        }
    }
}
