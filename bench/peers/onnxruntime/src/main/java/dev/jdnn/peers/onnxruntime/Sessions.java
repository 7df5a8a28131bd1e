package dev.jdnn.peers.onnxruntime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The ONNX Runtime sessions W1 is measured on, set up as a latency-minded user would: the CPU execution provider,
 * every graph optimization (ORT fuses Conv + activation, and rewrites the convolutions into its NCHWc layout),
 * sequential execution of the nodes (inter-op 1 thread), and {@code threads} intra-op threads, the calling thread
 * being one of them. Everything else is ORT's default: memory-pattern planning and the CPU arena allocator on,
 * intra-op workers spinning while they wait.
 */
final class Sessions {
    private Sessions() {}

    static OrtSession open(OrtEnvironment env, Path model, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            return env.createSession(model.toString(), options);
        }
    }

    /** The settings {@link #open} uses, for the report. */
    static String describe(int threads) {
        return String.format(Locale.ROOT, "CPU execution provider, optimization ALL_OPT, SEQUENTIAL, intra-op %d"
                + " thread(s), inter-op 1, other options ORT's defaults", threads);
    }
}
