package dev.jdnn.peers.onnxruntime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The inference figures of {@code bin/jdnn bench model} on ONNX Runtime's Java API, for any ONNX file of one float
 * input N x C x H x W and one float output N x K:
 * <pre>java -cp ... dev.jdnn.peers.onnxruntime.OrtModel MODEL.onnx C,H,W [--b1 WARMUP,CALLS]
 *     [--throughput BATCH,THREADS,BATCHES,PASSES]...</pre>
 * jdnn chooses the counts (from its own timing) and passes them, so that both engines do the same work. The images
 * are {@link #pixel}'s, as jdnn's ModelBench makes them. Progress goes to standard error; the last line of standard
 * output is one JSON object: {@code b1_p50_us}, {@code b1_p99_us}, {@code b1_alloc_bytes} (pinned buffers, 1 intra-op
 * thread), {@code b<BATCH>_ips} (pinned, best pass), and {@code check_outputs}, the outputs of image 0, with which
 * jdnn checks that both ran the same function.
 */
public final class OrtModel {
    /** Images made from {@link #pixel}: enough distinct ones that batch 1 does not run one image over and over. */
    private static final int MIN_IMAGES = 16;

    private OrtModel() {}

    /** Value {@code i} of the images, counted across all of them in N x C x H x W order (as ModelBench's). */
    static float pixel(long i) {
        return (float) Math.sin(i * 0.1);
    }

    private record Batches(int batch, int threads, int batches, int passes) {}

    public static void main(String[] args) throws Exception {
        try {
            if (args.length < 2) throw new IllegalArgumentException("expected MODEL.onnx C,H,W");
            Path model = Path.of(args[0]);
            if (!Files.isRegularFile(model)) throw new IllegalArgumentException("no ONNX file " + model);
            long[] shape = longs(args[1], 3);
            int[] b1 = null;
            List<Batches> throughputs = new ArrayList<>();
            for (int i = 2; i < args.length; i += 2) {
                if (i + 1 >= args.length) throw new IllegalArgumentException(args[i] + " needs a value");
                switch (args[i]) {
                    case "--b1" -> {
                        long[] v = longs(args[i + 1], 2);
                        b1 = new int[] {(int) v[0], (int) v[1]};
                    }
                    case "--throughput" -> {
                        long[] v = longs(args[i + 1], 4);
                        throughputs.add(new Batches((int) v[0], (int) v[1], (int) v[2], (int) v[3]));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            System.out.println(Json.of(run(model, shape, b1, throughputs)));
        } catch (IllegalArgumentException e) {
            System.err.println("OrtModel: " + e.getMessage() + "; usage: OrtModel MODEL.onnx C,H,W [--b1 WARMUP,CALLS]"
                    + " [--throughput BATCH,THREADS,BATCHES,PASSES]...");
            System.exit(2);
        }
    }

    private static Map<String, Object> run(Path model, long[] shape, int[] b1, List<Batches> throughputs)
            throws Exception {
        int largest = throughputs.stream().mapToInt(Batches::batch).max().orElse(1);
        int count = Math.max(MIN_IMAGES, largest);
        int imageFloats = Math.toIntExact(shape[0] * shape[1] * shape[2]);
        float[] pixels = new float[Math.multiplyExact(count, imageFloats)];
        for (int i = 0; i < pixels.length; i++) pixels[i] = pixel(i);
        TestSet images = new TestSet(pixels, new int[count], count, imageFloats);
        Map<String, Object> figures = new LinkedHashMap<>();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String input;
        String output;
        int outputs;
        try (OrtSession one = Sessions.open(env, model, 1)) {
            input = single(one.getInputInfo(), "input", model);
            output = single(one.getOutputInfo(), "output", model);
            long[] outputShape = ((TensorInfo) one.getOutputInfo().get(output).getInfo()).getShape();
            if (outputShape.length != 2 || outputShape[1] < 1) {
                throw new IllegalArgumentException(model + ": output '" + output + "' has shape "
                        + Arrays.toString(outputShape) + "; expected N x K");
            }
            outputs = Math.toIntExact(outputShape[1]);
            try (Inference pinned = Inference.pinned(env, one, input, output, 1, shape, outputs)) {
                Inference plain = Inference.plain(env, one, input, output, shape, outputs);
                // Same session, same kernels: any difference means the pinned buffers are not what ORT reads and writes.
                double difference = Measurements.largestDifference(pinned, plain, images, outputs, 4);
                if (difference != 0) {
                    throw new IllegalStateException("pinned and plain calls disagree by " + difference + " on one output");
                }
                float[] check = new float[outputs];
                pinned.predict(Arrays.copyOf(pixels, imageFloats), check);
                figures.put("check_outputs", check);
                if (b1 != null) {
                    Measurements.Latency latency = Measurements.batch1(pinned, images, outputs, b1[0], b1[1]);
                    put(figures, "b1_p50_us", latency.p50Us(), 1);
                    put(figures, "b1_p99_us", latency.p99Us(), 1);
                    put(figures, "b1_alloc_bytes", latency.allocBytesPerCall(), 1);
                    log("ORT b1 (1 intra-op thread, pinned buffers): p50 %.1f us, p99 %.1f us, %.1f heap bytes/call"
                                    + " over %d calls after %d warm-up", latency.p50Us(), latency.p99Us(),
                            latency.allocBytesPerCall(), latency.calls(), b1[0]);
                }
            }
        }
        for (Batches t : throughputs) {
            try (OrtSession session = Sessions.open(env, model, t.threads());
                 Inference batches = Inference.pinned(env, session, input, output, t.batch(), shape, outputs)) {
                Measurements.Throughput result =
                        Measurements.throughput(batches, images, outputs, t.batch(), t.batches(), t.passes());
                put(figures, "b" + t.batch() + "_ips", result.imagesPerSecond(), 1);
                log("ORT b%d (%d intra-op threads, pinned buffers): %.1f img/s, best of %d passes of %d batches",
                        t.batch(), t.threads(), result.imagesPerSecond(), t.passes(), t.batches());
            }
        }
        figures.put("engine", "onnxruntime");
        figures.put("version", env.getVersion());
        figures.put("java", Runtime.version().toString());
        figures.put("session", Sessions.describe(1) + " for b1; intra-op threads as jdnn's for larger batches");
        figures.put("notes", "pinned input and output tensors over direct buffers, reused maps (ORT's lowest-overhead"
                + " Java path); images copied in from a float[] and outputs out to a float[] on every call, as jdnn's"
                + " figures do");
        return figures;
    }

    private static String single(Map<String, NodeInfo> infos, String what, Path model) {
        if (infos.size() != 1) {
            throw new IllegalArgumentException(model + " has " + infos.size() + " " + what + "s " + infos.keySet()
                    + "; this program measures models of one input and one output");
        }
        return infos.keySet().iterator().next();
    }

    private static long[] longs(String text, int count) {
        String[] parts = text.split(",");
        if (parts.length != count) throw new IllegalArgumentException("'" + text + "' is not " + count + " integers");
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            try {
                values[i] = Long.parseLong(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not " + count + " integers");
            }
            // Only a warm-up count (the first of --b1) may be 0.
            if (values[i] < (count == 2 && i == 0 ? 0 : 1) || values[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("'" + text + "' has a value out of range");
            }
        }
        return values;
    }

    private static void put(Map<String, Object> figures, String key, double value, int decimals) {
        double scale = Math.pow(10, decimals);
        figures.put(key, Math.round(value * scale) / scale);
    }

    private static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, format + "%n", args);
    }
}
