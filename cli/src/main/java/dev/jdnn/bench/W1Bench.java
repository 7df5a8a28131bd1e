package dev.jdnn.bench;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.inference.Precision;
import dev.jdnn.runtime.OneDnn;
import dev.jdnn.runtime.Threads;
import dev.jdnn.train.EpochStats;
import dev.jdnn.train.History;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs workload W1 (shared/W1.md) and gathers its figures in the order of the JSON report, printing a line
 * per figure as it is measured. A quick run shrinks every measurement so that the whole takes well under a
 * minute; its figures are for smoke tests, not for comparison.
 */
public final class W1Bench {
    /** Which figures to measure. */
    public enum What { TRAIN, INFER, ALL, ACCURACY }

    /**
     * @param threads            OpenMP threads for the test-accuracy training run
     * @param epochs             epochs of the test-accuracy run
     * @param seed               seed of the test-accuracy run (weights, shuffles, dropout; W1's is 0)
     * @param compareNative      also run the C++ oneDNN reference ({@link NativeReference})
     * @param compareOnnxRuntime also run ONNX Runtime on the same model ({@link OnnxRuntimeReference}); inference only
     */
    public record Options(What what, int threads, int epochs, long seed, boolean quick, boolean compareNative,
                          boolean compareOnnxRuntime) {
        public Options {
            if (what == null) throw new IllegalArgumentException("what must be one of train, infer, all, accuracy");
            // Checked before the first measurement, not minutes later when the accuracy run builds its model.
            if (threads < 1 || threads > Threads.MAX) {
                throw new IllegalArgumentException(
                        "--threads " + threads + " is out of range; allowed: 1.." + Threads.MAX);
            }
            if (epochs < 1) throw new IllegalArgumentException("--epochs " + epochs + " is out of range; allowed: > 0");
            if (compareOnnxRuntime && (what == What.TRAIN || what == What.ACCURACY)) {
                throw new IllegalArgumentException("--compare-onnxruntime compares inference: use --what infer or all");
            }
            if (compareNative && what == What.ACCURACY) {
                throw new IllegalArgumentException("--compare-native compares speed: use --what train, infer or all");
            }
        }
    }

    /** The figures that jdnn and the C++ reference both report; their ratios are jdnn / C++. */
    public static final List<String> SHARED_FIGURES =
            List.of("train_ips_t1", "train_ips_t2", "infer_b1_p50_us", "infer_b1_p99_us", "infer_b256_ips");
    /**
     * The figures that jdnn and ONNX Runtime both report, measured the same way; their ratios are jdnn / ORT.
     * Not rss_mb: jdnn's process also holds the training set (and, with --what all, training), ORT's the test set only.
     */
    public static final List<String> ONNXRUNTIME_FIGURES = List.of("infer_b1_p50_us", "infer_b1_p99_us",
            "infer_b1_alloc_bytes", "infer_b256_ips", "cold_start_ms");
    /** How many test images jdnn's and ORT's accuracies of the same model may be apart before a warning. */
    private static final int SAME_MODEL_IMAGES = 5;

    private record Sizes(int timedSteps, int accuracyTrainImages, int accuracyValidImages, int b1Warmup,
                         int b1Calls, int b256Passes, int coldStartRuns) {}

    private static final Sizes FULL = new Sizes(W1.TIMED_STEPS, W1.TRAIN_COUNT, W1.VALID_COUNT, 1_000, 10_000, 3, 3);
    private static final Sizes QUICK = new Sizes(40, 5_000, 1_000, 100, 1_000, 1, 1);

    /** The inference speed of one precision. */
    private record Speed(InferenceBenchmark.Latency b1, InferenceBenchmark.Throughput b256) {}

    private final Options options;
    private final Sizes sizes;
    private final PrintStream out;
    private final Map<String, Object> figures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    /** The 1-minute load average after each phase: on a shared machine, what a figure must be read with. */
    private final Map<String, Object> loadAfter = new LinkedHashMap<>();
    /** {@code test_acc} unrounded, for the bf16 drop; null until measured. */
    private Double testAccuracy;
    /** ONNX Runtime's figures for the inference model, with jdnn's accuracy of it; null until measured. */
    private Map<String, Object> onnxRuntime;
    private Double jdnnAccuracyOfExportedModel;
    private int testImages;

    public W1Bench(Options options, PrintStream out) {
        this.options = options;
        this.sizes = options.quick() ? QUICK : FULL;
        this.out = out;
    }

    /** Measures the figures; the map is ready to be written as W1's JSON object. */
    public Map<String, Object> run() throws IOException, InterruptedException {
        figures.put("workload", "w1");
        figures.put("what", options.what().name().toLowerCase(Locale.ROOT));
        figures.put("quick", options.quick());
        figures.put("load_avg_start", ProcessFacts.loadAverage());
        W1.Data data = W1.Data.load();
        SimpleCNN trained = null;
        try {
            if (options.what() == What.ACCURACY) {
                trained = testAccuracy(data);
            } else if (options.what() != What.INFER) {
                trainingThroughput(data.train(), 1);
                trainingThroughput(data.train(), 2);
                trained = testAccuracy(data);
                loadAfter.put("test_acc", ProcessFacts.loadAverage1());
                // The peak of the training run alone (data loaded, both throughput runs, the accuracy run),
                // before inference adds its batch-256 plans: what the training target is about.
                figures.put("train_rss_mb", round(ProcessFacts.peakRssMb(), 1));
            }
            if (options.what() == What.INFER || options.what() == What.ALL) inference(data, trained);
        } finally {
            if (trained != null) trained.close();
        }
        figures.put("rss_mb", round(ProcessFacts.peakRssMb(), 1));
        figures.put("load_avg_end", ProcessFacts.loadAverage());
        figures.put("engine", "jdnn");
        String version = W1Bench.class.getPackage().getImplementationVersion();
        figures.put("version", version == null ? "development build" : version);
        figures.put("onednn_version", OneDnn.version());
        figures.put("isa", OneDnn.isa());
        figures.put("java", Runtime.version().toString());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        if (options.compareNative()) {
            compareNative();
            loadAfter.put("native", ProcessFacts.loadAverage1());
        }
        if (onnxRuntime != null) onnxRuntimeRatios();
        figures.put("load_1min_after", loadAfter);
        if (options.quick()) notes.add("QUICK run: shortened measurements for smoke tests, not for comparison");
        figures.put("notes", String.join("; ", notes));
        return figures;
    }

    private void trainingThroughput(Dataset train, int threads) {
        TrainingThroughput.Result r = TrainingThroughput.measure(train, threads, W1.WARMUP_STEPS, sizes.timedSteps());
        loadAfter.put("train_t" + threads, ProcessFacts.loadAverage1());
        figures.put("train_ips_t" + threads, round(r.imagesPerSecond(), 1));
        figures.put("train_heap_bytes_per_step_t" + threads, round(r.heapBytesPerStep(), 1));
        figures.put("train_offheap_growth_bytes_t" + threads, r.offHeapGrowthBytes());
        figures.put("train_step_ms_p50_t" + threads, round(r.stepMillisP50(), 2));
        figures.put("train_step_ms_max_t" + threads, round(r.stepMillisMax(), 2));
        out.printf(Locale.ROOT, "train t%d: %.1f img/s over %d steps of %d after %d warm-up steps (step median %.2f ms,"
                        + " max %.2f ms); %.1f heap bytes/step, %d off-heap bytes allocated; mean loss of first/last"
                        + " timed steps %.3f/%.3f%n",
                threads, r.imagesPerSecond(), r.steps(), W1.BATCH, W1.WARMUP_STEPS, r.stepMillisP50(),
                r.stepMillisMax(), r.heapBytesPerStep(), r.offHeapGrowthBytes(), r.firstLoss(), r.lastLoss());
        notes.add(String.format(Locale.ROOT, "train t%d mean loss first/last timed steps %.3f/%.3f",
                threads, r.firstLoss(), r.lastLoss()));
    }

    /** Trains W1 for the epochs asked and returns the fitted model (the caller closes it). */
    private SimpleCNN testAccuracy(W1.Data data) {
        Dataset train = data.train().head(sizes.accuracyTrainImages());
        Dataset valid = data.valid().tail(sizes.accuracyValidImages());
        SimpleCNN model = W1.model().threads(options.threads()).epochs(options.epochs()).seed(options.seed()).build();
        try {
            long start = System.nanoTime();
            History history = model.fit(train, valid);
            for (EpochStats epoch : history.epochs()) out.println("fit " + epoch);
            double accuracy = model.evaluate(data.test()).accuracy();
            double seconds = (System.nanoTime() - start) / 1e9;
            double fitIps = history.epochs().stream().mapToDouble(EpochStats::imagesPerSecond).average().orElse(0);
            testAccuracy = accuracy;
            figures.put("test_acc", round(accuracy, 4));
            figures.put("epochs", history.epochsRun());
            figures.put("threads", options.threads());
            figures.put("seed", options.seed());
            figures.put("fit_ips", round(fitIps, 1));
            figures.put("fit_seconds", round(seconds, 1));
            out.printf(Locale.ROOT, "test accuracy %.4f after %d epochs on %d images (seed %d, %d threads, %.1f s, fit"
                    + " %.1f img/s)%n", accuracy, history.epochsRun(), train.count(), options.seed(), options.threads(),
                    seconds, fitIps);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private void inference(W1.Data data, SimpleCNN trained) throws IOException, InterruptedException {
        SimpleCNN model = trained != null ? trained : W1.initializedModel(data.train(), 1);
        try {
            notes.add(trained != null ? "inference on the test_acc model"
                    : "inference on a model fitted on one batch (the weights do not change the work)");
            Speed f32;
            try (PredictorInferenceTarget target = new PredictorInferenceTarget(model, InferenceBenchmark.BIG_BATCH)) {
                figures.put("infer_path", target.path());
                f32 = speed(target, data, "");
                // What ORT's accuracy of the exported model is checked against: the same function, computed by jdnn.
                if (options.compareOnnxRuntime()) {
                    jdnnAccuracyOfExportedModel = InferenceBenchmark.accuracy(target, data.test());
                    testImages = data.test().count();
                }
            }
            bf16(model, data, f32);
            ColdStart.Result cold = ColdStart.measure(model, sizes.coldStartRuns());
            loadAfter.put("cold_start", ProcessFacts.loadAverage1());
            figures.put("cold_start_ms", cold.millis());
            figures.put("cold_start_aot_ms", cold.aotMillis());
            notes.add(cold.note());
            out.printf(Locale.ROOT, "cold start: %s ms without an AOT cache, %s ms with one (%s)%n", cold.millis(),
                    cold.aotMillis(), cold.note());
            if (options.compareOnnxRuntime()) {
                out.println("running ONNX Runtime on the same model, exported as ONNX: bench/run-onnxruntime.sh");
                onnxRuntime = OnnxRuntimeReference.run(model, options.quick());
                loadAfter.put("onnxruntime", ProcessFacts.loadAverage1());
            }
        } finally {
            if (model != trained) model.close();
        }
    }

    /** Batch-1 latency and batch-256 throughput through {@code target}; figure keys end with {@code suffix}. */
    private Speed speed(PredictorInferenceTarget target, W1.Data data, String suffix) {
        InferenceBenchmark.Latency b1 = InferenceBenchmark.batch1(target, data.test(), sizes.b1Warmup(), sizes.b1Calls());
        loadAfter.put("infer_b1" + suffix, ProcessFacts.loadAverage1());
        figures.put("infer_b1_p50_us" + suffix, round(b1.p50Us(), 1));
        figures.put("infer_b1_p99_us" + suffix, round(b1.p99Us(), 1));
        figures.put("infer_b1_alloc_bytes" + suffix, round(b1.allocBytesPerCall(), 1));
        out.printf(Locale.ROOT, "infer b1 (1 thread, %s path): p50 %.1f us, p99 %.1f us over %d calls after %d"
                        + " warm-up; %.1f heap bytes/call%n", target.path(), b1.p50Us(), b1.p99Us(), b1.calls(),
                sizes.b1Warmup(), b1.allocBytesPerCall());
        InferenceBenchmark.Throughput b256 = InferenceBenchmark.batch256(target, data.test(), sizes.b256Passes());
        loadAfter.put("infer_b256" + suffix, ProcessFacts.loadAverage1());
        figures.put("infer_b256_ips" + suffix, round(b256.imagesPerSecond(), 1));
        out.printf(Locale.ROOT, "infer b256 (2 threads, %s path): %.1f img/s, best of %d passes of %d x %d images; "
                        + "accuracy of the warm-up pass %.4f%n", target.path(), b256.imagesPerSecond(), b256.passes(),
                InferenceBenchmark.BIG_BATCHES, InferenceBenchmark.BIG_BATCH, b256.accuracy());
        notes.add(String.format(Locale.ROOT, "infer via the %s path (compiled, fused); b1 nearest-rank"
                        + " percentiles over %d calls after %d warm-up; b256 best of %d passes of %d batches"
                        + " wrapping the test set after a warm-up pass whose accuracy was %.4f",
                target.path(), b1.calls(), sizes.b1Warmup(), b256.passes(), InferenceBenchmark.BIG_BATCHES,
                b256.accuracy()));
        return new Speed(b1, b256);
    }

    /**
     * The model compiled in bf16 ({@link Precision#BF16}): its speed next to f32's, and, for a trained model, its
     * accuracy on the whole test set and the drop from {@code test_acc} in percentage points.
     */
    private void bf16(SimpleCNN model, W1.Data data, Speed f32) {
        if (!OneDnn.supportsBf16()) {
            notes.add("bf16 not measured: oneDNN dispatches to " + OneDnn.isa() + ", without native bf16 arithmetic");
            return;
        }
        try (PredictorInferenceTarget target = new PredictorInferenceTarget(model, InferenceBenchmark.BIG_BATCH,
                Precision.BF16)) {
            Speed bf16 = speed(target, data, "_bf16");
            figures.put("bf16_speedup_b1", round(f32.b1().p50Us() / bf16.b1().p50Us(), 3));
            figures.put("bf16_speedup_b256", round(bf16.b256().imagesPerSecond() / f32.b256().imagesPerSecond(), 3));
            if (testAccuracy == null) {
                notes.add("test_acc_bf16 not measured: no trained model (--what infer)");
                return;
            }
            double accuracy = InferenceBenchmark.accuracy(target, data.test());
            double drop = 100 * (testAccuracy - accuracy);
            figures.put("test_acc_bf16", round(accuracy, 4));
            figures.put("test_acc_bf16_drop_points", round(drop, 2));
            out.printf(Locale.ROOT, "bf16: test accuracy %.4f (f32 %.4f: %+.2f points), speed-up b1 p50 %.2fx, b256"
                            + " %.2fx%n", accuracy, testAccuracy, -drop, f32.b1().p50Us() / bf16.b1().p50Us(),
                    bf16.b256().imagesPerSecond() / f32.b256().imagesPerSecond());
        }
    }

    private void compareNative() throws IOException, InterruptedException {
        List<String> modes = switch (options.what()) {
            case TRAIN -> List.of("train");
            case INFER -> List.of("infer");
            case ALL -> List.of("infer", "train");
            case ACCURACY -> throw new IllegalStateException("an accuracy run has no speed to compare");
        };
        out.println("running the C++ reference: bench/run-c-reference.sh " + String.join(" ", modes));
        Map<String, Object> nativeFigures = NativeReference.run(modes);
        figures.put("native", nativeFigures);
        figures.put("ratios", ratiosTo("C++", nativeFigures, SHARED_FIGURES));
    }

    /** jdnn / {@code peer} for each of {@code keys} that both report, printed as they are computed. */
    private Map<String, Object> ratiosTo(String peer, Map<String, Object> peerFigures, List<String> keys) {
        return Figures.ratios(figures, peer, peerFigures, keys, out);
    }

    /**
     * ORT's figures under "onnxruntime", jdnn / ORT under "onnxruntime_ratios", and the same-model check under
     * "onnxruntime_check": both accuracies of the exported model on the whole test set and how many images apart.
     */
    private void onnxRuntimeRatios() {
        figures.put("onnxruntime", onnxRuntime);
        figures.put("onnxruntime_ratios", ratiosTo("ORT", onnxRuntime, ONNXRUNTIME_FIGURES));
        if (onnxRuntime.get("test_acc") instanceof Number ort && jdnnAccuracyOfExportedModel != null) {
            long apart = Math.round(Math.abs(jdnnAccuracyOfExportedModel - ort.doubleValue()) * testImages);
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("jdnn_test_acc", round(jdnnAccuracyOfExportedModel, 4));
            check.put("onnxruntime_test_acc", ort.doubleValue());
            check.put("images_apart", apart);
            figures.put("onnxruntime_check", check);
            out.printf(Locale.ROOT, "same model: test accuracy jdnn %.4f, ORT %.4f: %d image(s) apart%n",
                    jdnnAccuracyOfExportedModel, ort.doubleValue(), apart);
            if (apart > SAME_MODEL_IMAGES) {
                notes.add("WARNING: jdnn's and ORT's test accuracies of the same model are " + apart
                        + " images apart (more than " + SAME_MODEL_IMAGES + "): the export does not compute the model");
            }
        }
    }

    private static Double round(Double value, int decimals) {
        return Figures.round(value, decimals);
    }
}
