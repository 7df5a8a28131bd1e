package dev.jdnn.peers.onnxruntime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Images in, logits out through an ORT session, the way W1's figures call jdnn's predictor: a float[] of whole
 * images is copied in and the logits are copied out into a float[], so both sides pay the same copies.
 */
interface Inference extends AutoCloseable {
    String INPUT = "images";
    String OUTPUT = "logits";

    /** Computes the logits of the images in {@code images} (N x C x H x W) into {@code logits} (N x classes). */
    void predict(float[] images, float[] logits) throws OrtException;

    @Override
    default void close() throws OrtException {}

    /**
     * ORT's plain Java API, as its documentation shows it: a tensor made from the array each call (ORT copies it
     * into a new direct buffer), {@code run}, and the output read back as a Java array.
     */
    static Inference plain(OrtEnvironment env, OrtSession session, long[] imageShape, int classes) {
        return plain(env, session, INPUT, OUTPUT, imageShape, classes);
    }

    /** {@link #plain(OrtEnvironment, OrtSession, long[], int)} for a model whose input and output have these names. */
    static Inference plain(OrtEnvironment env, OrtSession session, String inputName, String outputName,
                           long[] imageShape, int classes) {
        return (images, logits) -> {
            int count = logits.length / classes;
            long[] shape = {count, imageShape[0], imageShape[1], imageShape[2]};
            try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(images), shape);
                 OrtSession.Result result = session.run(Map.of(inputName, input))) {
                float[][] rows = (float[][]) result.get(outputName).orElseThrow().getValue();
                for (int i = 0; i < count; i++) System.arraycopy(rows[i], 0, logits, i * classes, classes);
            }
        };
    }

    /**
     * ORT with pinned buffers, its lowest-overhead Java path: input and output tensors made once over direct
     * buffers (ORT reads and writes them in place), the same input and output maps every call, and
     * {@code run(inputs, pinnedOutputs)} writing the logits into the pinned output tensor. For {@code batch}
     * images exactly.
     */
    static Inference pinned(OrtEnvironment env, OrtSession session, int batch, long[] imageShape, int classes)
            throws OrtException {
        return pinned(env, session, INPUT, OUTPUT, batch, imageShape, classes);
    }

    /** {@link #pinned(OrtEnvironment, OrtSession, int, long[], int)} for a model whose input and output have these names. */
    static Inference pinned(OrtEnvironment env, OrtSession session, String inputName, String outputName, int batch,
                            long[] imageShape, int classes) throws OrtException {
        int imageFloats = (int) (imageShape[0] * imageShape[1] * imageShape[2]);
        FloatBuffer in = direct(batch * imageFloats);
        FloatBuffer out = direct(batch * classes);
        OnnxTensor input = OnnxTensor.createTensor(env, in,
                new long[] {batch, imageShape[0], imageShape[1], imageShape[2]});
        OnnxTensor output = OnnxTensor.createTensor(env, out, new long[] {batch, classes});
        Map<String, OnnxTensor> inputs = Map.of(inputName, input);
        Map<String, OnnxTensor> outputs = Map.of(outputName, output);
        return new Inference() {
            @Override
            public void predict(float[] images, float[] logits) throws OrtException {
                in.put(0, images, 0, batch * imageFloats);
                // The result does not own the pinned output; closing it frees only its own wrapper.
                session.run(inputs, outputs).close();
                out.get(0, logits, 0, batch * classes);
            }

            @Override
            public void close() {
                input.close();
                output.close();
            }
        };
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
