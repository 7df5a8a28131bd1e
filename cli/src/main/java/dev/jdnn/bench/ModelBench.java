package dev.jdnn.bench;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.inference.Precision;
import dev.jdnn.onnx.OnnxExport;
import dev.jdnn.runtime.OneDnn;
import dev.jdnn.runtime.Threads;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench model FILE}: the inference figures of any model (a jdnn model file or an ONNX file) through jdnn's
 * compiled model and predictor, measured by {@link InferenceBenchmark} as W1's are: batch 1 on one thread
 * ({@code b1_p50_us}, {@code b1_p99_us}, {@code b1_alloc_bytes}) and larger batches on the threads asked
 * ({@code b<BATCH>_ips}). Models differ in cost by thousands of times, so the counts come from a short timing of
 * each: about 10 seconds of timed batch-1 calls (at least 100, at most 10,000) and passes of about a second
 * (at most 40 batches), shorter in a quick run. With the comparison, ONNX Runtime's Java API runs the same file (a jdnn model exported
 * first) in a child JVM with the same counts and the same images ({@link #pixel}); image 0's outputs of both
 * engines are compared, so that a figure is never one of two different functions.
 */
public final class ModelBench {
    /** The figures both engines report; their ratios are jdnn / ORT. */
    private static final List<String> B1_FIGURES = List.of("b1_p50_us", "b1_p99_us");
    /** Distinct images: enough that batch 1 does not run one image over and over. */
    private static final int MIN_IMAGES = 16;
    /** Image 0's outputs of jdnn and ORT may differ by this much relative to the largest before a warning. */
    private static final double SAME_MODEL_TOLERANCE = 1e-3;

    /**
     * @param model              a jdnn model file or an .onnx file
     * @param batches            batch sizes, each 1 to 4096: 1 gives the latency figures, others images/s
     * @param threads            OpenMP threads of the batches above 1 (batch 1 runs on one)
     * @param compareOnnxRuntime also run ONNX Runtime's Java API on the same file in a child JVM
     */
    public record Options(Path model, List<Integer> batches, int threads, Precision precision, boolean quick,
                          boolean compareOnnxRuntime) {
        /** The largest batch measured: a compiled model's plans are kept per batch size, in memory. */
        public static final int MAX_BATCH = 4096;

        public Options {
            if (model == null) throw new IllegalArgumentException("bench model needs a model FILE");
            if (batches == null || batches.isEmpty()) throw new IllegalArgumentException("--batch needs one or more sizes");
            for (int b : batches) {
                if (b < 1 || b > MAX_BATCH) {
                    throw new IllegalArgumentException("--batch " + b + " is out of range; allowed: 1.." + MAX_BATCH);
                }
            }
            batches = batches.stream().distinct().sorted().toList();
            if (threads < 1 || threads > Threads.MAX) {
                throw new IllegalArgumentException("--threads " + threads + " is out of range; allowed: 1.." + Threads.MAX);
            }
            if (precision == null) throw new IllegalArgumentException("precision must be F32 or BF16, got null");
        }
    }

    /**
     * How long to measure: warm-up and timed batch-1 calls, and throughput passes, in seconds, the calls bounded
     * as W1's (at most 1,000 warm-up and 10,000 timed), passes of at most 40 batches.
     */
    private record Sizes(double b1WarmupSeconds, double b1Seconds, int minCalls, double passSeconds, int passes) {}

    private static final Sizes FULL = new Sizes(1, 10, 100, 1, 3);
    private static final Sizes QUICK = new Sizes(0.1, 0.5, 20, 0.2, 1);

    private final Options options;
    private final Sizes sizes;
    private final PrintStream out;
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    /** The counts jdnn measured with, passed to ONNX Runtime's program. */
    private final List<String> peerArguments = new ArrayList<>();

    public ModelBench(Options options, PrintStream out) {
        this.options = options;
        this.sizes = options.quick() ? QUICK : FULL;
        this.out = out;
    }

    /** Value {@code i} of the images, counted across all of them in N x C x H x W order (as ORT's OrtModel's). */
    static float pixel(long i) {
        return (float) Math.sin(i * 0.1);
    }

    /** Measures the figures; the map is ready to be written as one JSON object. */
    public Map<String, Object> run() throws IOException, InterruptedException {
        figures.put("workload", "model");
        figures.put("model", options.model().toString());
        figures.put("quick", options.quick());
        figures.put("load_avg_start", ProcessFacts.loadAverage());
        try (SimpleCNN model = SimpleCNN.load(options.model())) {
            long[] image = model.network().inputShape();
            int largest = options.batches().getLast();
            Dataset images = images(image, Math.max(MIN_IMAGES, largest));
            figures.put("input_shape", image);
            figures.put("precision", options.precision().name().toLowerCase(Locale.ROOT));
            float[] check;
            try (PredictorInferenceTarget target = new PredictorInferenceTarget(model, largest, options.precision())) {
                figures.put("outputs", target.outputSize());
                figures.put("path", target.path());
                for (int batch : options.batches()) {
                    if (batch == 1) latency(target, images);
                    else throughput(target, images, batch);
                }
                check = new float[target.outputSize()];
                target.predict(1, Arrays.copyOf(images.toArray(), Math.toIntExact(image[0] * image[1] * image[2])),
                        check);
            }
            figures.put("rss_mb", Figures.round(ProcessFacts.peakRssMb(), 1));
            figures.put("load_avg_end", ProcessFacts.loadAverage());
            figures.put("engine", "jdnn");
            figures.put("onednn_version", OneDnn.version());
            figures.put("isa", OneDnn.isa());
            figures.put("java", Runtime.version().toString());
            figures.put("cores", Runtime.getRuntime().availableProcessors());
            if (options.compareOnnxRuntime()) compareOnnxRuntime(model, image, check);
        }
        if (options.quick()) notes.add("QUICK run: shortened measurements for smoke tests, not for comparison");
        figures.put("notes", String.join("; ", notes));
        return figures;
    }

    private void latency(PredictorInferenceTarget target, Dataset images) {
        double seconds = InferenceBenchmark.batch1(target, images, 1, 3).p50Us() / 1e6;
        int warmup = bounded(sizes.b1WarmupSeconds() / seconds, 3, 1_000);
        int calls = bounded(sizes.b1Seconds() / seconds, sizes.minCalls(), 10_000);
        InferenceBenchmark.Latency b1 = InferenceBenchmark.batch1(target, images, warmup, calls);
        figures.put("b1_p50_us", Figures.round(b1.p50Us(), 1));
        figures.put("b1_p99_us", Figures.round(b1.p99Us(), 1));
        figures.put("b1_alloc_bytes", Figures.round(b1.allocBytesPerCall(), 1));
        figures.put("b1_calls", calls);
        out.printf(Locale.ROOT, "b1 (1 thread, %s path): p50 %.1f us, p99 %.1f us over %d calls after %d warm-up;"
                + " %.1f heap bytes/call%n", target.path(), b1.p50Us(), b1.p99Us(), calls, warmup,
                b1.allocBytesPerCall());
        peerArguments.addAll(List.of("--b1", warmup + "," + calls));
    }

    private void throughput(PredictorInferenceTarget target, Dataset images, int batch) {
        int threads = options.threads();
        double batchSeconds = batch / InferenceBenchmark.throughput(target, images, batch, 1, threads, 1)
                .imagesPerSecond();
        int batches = bounded(sizes.passSeconds() / batchSeconds, 1, InferenceBenchmark.BIG_BATCHES);
        InferenceBenchmark.Throughput result =
                InferenceBenchmark.throughput(target, images, batch, batches, threads, sizes.passes());
        figures.put("b" + batch + "_ips", Figures.round(result.imagesPerSecond(), 1));
        figures.put("b" + batch + "_threads", threads);
        out.printf(Locale.ROOT, "b%d (%d threads, %s path): %.1f img/s, best of %d passes of %d batches after a"
                + " warm-up pass%n", batch, threads, target.path(), result.imagesPerSecond(), result.passes(), batches);
        peerArguments.addAll(List.of("--throughput", batch + "," + threads + "," + batches + "," + sizes.passes()));
    }

    private void compareOnnxRuntime(SimpleCNN model, long[] image, float[] check)
            throws IOException, InterruptedException {
        boolean onnx = options.model().getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
        Path folder = onnx ? null : Files.createTempDirectory("jdnn-onnxruntime");
        Path file = onnx ? options.model() : folder.resolve("model.onnx");
        try {
            if (!onnx) OnnxExport.write(model, file, OnnxExport.BatchNormMode.FOLDED);
            out.println("running ONNX Runtime on the same " + (onnx ? "file" : "model, exported as ONNX")
                    + ": bench/run-onnxruntime.sh --model");
            Map<String, Object> ort = OnnxRuntimeReference.runModel(file, image, peerArguments);
            Object ortCheck = ort.remove("check_outputs");
            figures.put("onnxruntime", ort);
            List<String> keys = new ArrayList<>(B1_FIGURES);
            for (int batch : options.batches()) if (batch > 1) keys.add("b" + batch + "_ips");
            figures.put("ratios", Figures.ratios(figures, "ORT", ort, keys, out));
            sameModel(check, ortCheck);
            if (options.precision() != Precision.F32) notes.add("jdnn in " + options.precision().name().toLowerCase(Locale.ROOT) + ", ORT in f32");
            if (!onnx) notes.add("ORT ran the model exported by OnnxExport, batch norm folded");
            figures.put("load_avg_after_onnxruntime", ProcessFacts.loadAverage());
        } finally {
            if (!onnx) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(folder);
            }
        }
    }

    /** Image 0's outputs of jdnn and ORT: the largest difference over the largest output, and a warning past the tolerance. */
    private void sameModel(float[] jdnn, Object ort) {
        if (!(ort instanceof List<?> values) || values.size() != jdnn.length) {
            notes.add("WARNING: ORT's outputs of image 0 (" + ort + ") are not " + jdnn.length + " values");
            return;
        }
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < jdnn.length; i++) {
            double other = ((Number) values.get(i)).doubleValue();
            scale = Math.max(scale, Math.abs(other));
            worst = Math.max(worst, Math.abs(jdnn[i] - other));
        }
        double relative = scale == 0 ? worst : worst / scale;
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("image0_max_rel_diff", relative);
        check.put("tolerance", SAME_MODEL_TOLERANCE);
        figures.put("onnxruntime_check", check);
        out.printf(Locale.ROOT, "same model: image 0's outputs of jdnn and ORT differ by %.2e of the largest%n", relative);
        if (!(relative <= SAME_MODEL_TOLERANCE) && options.precision() == Precision.F32) {
            notes.add("WARNING: jdnn's and ORT's outputs of image 0 differ by " + relative + " of the largest (more than "
                    + SAME_MODEL_TOLERANCE + "): not the same function");
        }
    }

    /** Images of {@code shape} made from {@link #pixel}, labelled 0 (the labels are not used). */
    private static Dataset images(long[] shape, int count) {
        long floats = count * shape[0] * shape[1] * shape[2];
        if (floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(count + " images of " + Arrays.toString(shape)
                    + " do not fit in one Java array: use smaller --batch sizes");
        }
        float[] pixels = new float[(int) floats];
        for (int i = 0; i < pixels.length; i++) pixels[i] = pixel(i);
        return Dataset.of(pixels, count, (int) shape[0], (int) shape[1], (int) shape[2], new int[count],
                Dataset.numberedClasses(1));
    }

    private static int bounded(double count, int min, int max) {
        return (int) Math.max(min, Math.min(max, Math.ceil(count)));
    }
}
