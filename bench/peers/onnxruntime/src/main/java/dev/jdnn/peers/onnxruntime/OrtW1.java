package dev.jdnn.peers.onnxruntime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * W1's inference figures (shared/W1.md) on ONNX Runtime's Java API, for an ONNX export of a W1 model:
 * <pre>java -cp ... dev.jdnn.peers.onnxruntime.OrtW1 MODEL.onnx FASHION_MNIST_DIR [--quick]</pre>
 * Progress goes to standard error; the last line of standard output is one JSON object of the figures, keyed as
 * jdnn's {@code bench w1} keys them. The model must take {@code images} N x 1 x 28 x 28 and give {@code logits}.
 */
public final class OrtW1 {
    private record Sizes(int b1Warmup, int b1Calls, int b256Passes, int coldStartRuns) {}

    private static final Sizes FULL = new Sizes(1_000, 10_000, 3, 3);
    private static final Sizes QUICK = new Sizes(100, 1_000, 1, 1);
    private static final long[] IMAGE_SHAPE = {1, 28, 28};

    private OrtW1() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].equals("--quick"))) {
            System.err.println("usage: OrtW1 MODEL.onnx FASHION_MNIST_DIR [--quick]");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        if (!Files.isRegularFile(model)) {
            System.err.println("OrtW1: no ONNX file " + model);
            System.exit(2);
        }
        boolean quick = args.length == 3;
        System.out.println(Json.of(run(model, TestSet.read(Path.of(args[1])), quick ? QUICK : FULL, quick)));
    }

    private static Map<String, Object> run(Path model, TestSet test, Sizes sizes, boolean quick) throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession one = Sessions.open(env, model, 1);
             Inference pinned = Inference.pinned(env, one, 1, IMAGE_SHAPE, Measurements.CLASSES)) {
            requireW1Signature(one, model);
            Inference plain = Inference.plain(env, one, IMAGE_SHAPE, Measurements.CLASSES);
            // Same session, same kernels: any difference means the pinned buffers are not what ORT reads and writes.
            double difference = Measurements.largestDifference(pinned, plain, test, 100);
            if (difference != 0) {
                throw new IllegalStateException("pinned and plain calls disagree by " + difference + " on one logit");
            }
            Measurements.Latency b1 = Measurements.batch1(pinned, test, sizes.b1Warmup(), sizes.b1Calls());
            Measurements.Latency b1Plain = Measurements.batch1(plain, test, sizes.b1Warmup(), sizes.b1Calls());
            put(figures, "infer_b1_p50_us", b1.p50Us(), 1);
            put(figures, "infer_b1_p99_us", b1.p99Us(), 1);
            put(figures, "infer_b1_alloc_bytes", b1.allocBytesPerCall(), 1);
            put(figures, "infer_b1_p50_us_plain", b1Plain.p50Us(), 1);
            put(figures, "infer_b1_p99_us_plain", b1Plain.p99Us(), 1);
            put(figures, "infer_b1_alloc_bytes_plain", b1Plain.allocBytesPerCall(), 1);
            log("ORT infer b1 (1 intra-op thread), pinned buffers: p50 %.1f us, p99 %.1f us, %.1f heap bytes/call;"
                            + " plain createTensor + getValue: p50 %.1f us, p99 %.1f us, %.1f heap bytes/call (%d calls"
                            + " after %d warm-up each)", b1.p50Us(), b1.p99Us(), b1.allocBytesPerCall(), b1Plain.p50Us(),
                    b1Plain.p99Us(), b1Plain.allocBytesPerCall(), b1.calls(), sizes.b1Warmup());
        }
        try (OrtSession two = Sessions.open(env, model, 2);
             Inference batches = Inference.pinned(env, two, Measurements.BIG_BATCH, IMAGE_SHAPE, Measurements.CLASSES)) {
            Measurements.Throughput b256 = Measurements.batch256(batches, test, sizes.b256Passes());
            put(figures, "infer_b256_ips", b256.imagesPerSecond(), 1);
            log("ORT infer b256 (2 intra-op threads, pinned buffers): %.1f img/s, best of %d passes of %d x %d images;"
                            + " accuracy of the warm-up pass %.4f", b256.imagesPerSecond(), b256.passes(),
                    Measurements.BIG_BATCHES, Measurements.BIG_BATCH, b256.accuracy());
            double accuracy = Measurements.accuracy(batches,
                    Inference.plain(env, two, IMAGE_SHAPE, Measurements.CLASSES), test);
            put(figures, "test_acc", accuracy, 4);
            log("ORT test accuracy %.4f on %d images (batches of %d, 2 threads)", accuracy, test.count(),
                    Measurements.BIG_BATCH);
        }
        // The peak of the measuring itself, before the cold-start children (other processes) run.
        figures.put("rss_mb", peakRssMb());
        ColdStart.Result cold = ColdStart.measure(model, sizes.coldStartRuns());
        figures.put("cold_start_ms", cold.millis());
        figures.put("cold_start_default_ms", cold.defaultMillis());
        log("ORT cold start: %s ms with its libraries extracted beforehand, %s ms extracting them at start",
                cold.millis(), cold.defaultMillis());
        figures.put("engine", "onnxruntime");
        figures.put("version", env.getVersion());
        figures.put("java", Runtime.version().toString());
        figures.put("session_b1", Sessions.describe(1));
        figures.put("session_b256", Sessions.describe(2));
        figures.put("quick", quick);
        figures.put("notes", String.join("; ", List.of(
                "infer_b1_* and infer_b256_ips through pinned input and output tensors over direct buffers, reused"
                        + " maps (ORT's lowest-overhead Java path); infer_b1_*_plain through OnnxTensor.createTensor"
                        + " from the array and Result.getValue each call",
                "images copied in from a float[] and logits out to a float[] on every call, as jdnn's figures do",
                "rss_mb is this process's peak (VmHWM) after the measurements, test set loaded",
                cold.note())));
        return figures;
    }

    private static void requireW1Signature(OrtSession session, Path model) throws Exception {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        if (!inputs.keySet().equals(Set.of(Inference.INPUT)) || !outputs.keySet().equals(Set.of(Inference.OUTPUT))) {
            throw new IllegalArgumentException(model + " takes " + inputs.keySet() + " and gives " + outputs.keySet()
                    + "; W1's export takes [" + Inference.INPUT + "] and gives [" + Inference.OUTPUT + "]");
        }
    }

    private static void put(Map<String, Object> figures, String key, double value, int decimals) {
        double scale = Math.pow(10, decimals);
        figures.put(key, Math.round(value * scale) / scale);
    }

    /** Peak resident set size (VmHWM of /proc/self/status) in MB, or null where unreadable. */
    private static Double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Math.round(Long.parseLong(line.substring(6).replace("kB", "").strip()) / 102.4) / 10.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return null;
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, format + "%n", args);
    }
}
