package dev.jdnn.peers.onnxruntime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;

/**
 * The cold-start child: opens the ONNX file in a 1-thread session, predicts one (blank) image, and prints the
 * wall-clock time of that first prediction, as jdnn's cold-start child does for a jdnn model file.
 */
public final class FirstPrediction {
    static final String DONE = "first-prediction-at-ms=";

    private FirstPrediction() {}

    public static void main(String[] args) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = Sessions.open(env, Path.of(args[0]), 1);
             Inference inference = Inference.plain(env, session, new long[] {1, 28, 28}, Measurements.CLASSES)) {
            inference.predict(new float[28 * 28], new float[Measurements.CLASSES]);
            System.out.println(DONE + System.currentTimeMillis());
        }
    }
}
