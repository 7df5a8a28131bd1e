package dev.jdnn.spark;

import dev.jdnn.inference.Predictor;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.spark.broadcast.Broadcast;

/**
 * A model file shipped to the executors once: its bytes in a Spark broadcast variable (fetched by an executor the
 * first time one of its tasks reads it, then kept in its block manager), known by their SHA-256, which is what
 * tasks carry and what {@link ExecutorModels} caches compiled models under.
 */
final class ModelFile implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Broadcast<byte[]> bytes;
    private final String sha256;

    ModelFile(Broadcast<byte[]> bytes, String sha256) {
        this.bytes = bytes;
        this.sha256 = sha256;
    }

    /**
     * A predictor of {@code threads} threads of the model compiled in this JVM (by the first task that asks) for up
     * to {@code maxBatch} images per call, for this task alone until {@link #giveBack}.
     */
    Predictor borrowPredictor(int maxBatch, int threads) {
        return ExecutorModels.borrow(sha256, maxBatch, threads, bytes::value);
    }

    /** Returns a predictor of {@link #borrowPredictor} for the executor's next task. */
    void giveBack(Predictor predictor) {
        ExecutorModels.giveBack(sha256, predictor);
    }

    String sha256() {
        return sha256;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must have", e);
        }
    }
}
