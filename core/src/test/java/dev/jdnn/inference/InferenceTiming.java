package dev.jdnn.inference;

import dev.jdnn.SimpleCNN;
import dev.jdnn.W1;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.runtime.OneDnn;
import java.util.Arrays;
import java.util.List;

/**
 * Prints batch-1 latency (1 thread) and batch-256 throughput (2 threads: one 2-thread call, or two
 * 1-thread predictors on 128 images each) of W1's architecture for every precision and activation layout,
 * or those named as arguments (e.g. {@code F32-NHWC}); {@code -Db1only=true} skips batch 256 and
 * {@code -Dsave=file} saves the model (for {@link ColdStart}); {@code -Dsplits=true} instead times small
 * batches on 2 threads split and unsplit. Not a test:
 * run it by hand on a quiet machine, with the test class path.
 */
public final class InferenceTiming {
    private static final int WARMUP = 1_000;
    private static final int TIMED = 10_000;
    private static final int BIG = 256;
    private static final int PASSES = 3;

    private InferenceTiming() {}

    public static void main(String[] args) throws java.io.IOException {
        Dataset test = Datasets.embeddedDefault().test();
        float[] pixels = test.toArray();
        try (SimpleCNN model = w1()) {
            model.fit(Datasets.embeddedDefault().train().head(200));
            String save = System.getProperty("save");
            if (save != null) model.save(java.nio.file.Path.of(save));
            System.out.println("oneDNN " + OneDnn.version() + " on " + OneDnn.isa());
            List<Precision> precisions = OneDnn.supportsBf16() ? List.of(Precision.F32, Precision.BF16)
                    : List.of(Precision.F32);
            if (Boolean.getBoolean("splits")) {
                try (CompiledModel compiled = CompiledModel.of(model, BIG)) {
                    splitThreshold(compiled, pixels);
                }
                return;
            }
            List<String> only = List.of(args);
            for (Precision precision : precisions) {
                for (Layout layout : Layout.values()) {
                    if (!only.isEmpty() && !only.contains(precision + "-" + layout)) continue;
                    try (CompiledModel compiled = CompiledModel.of(model, BIG, precision, layout)) {
                        report(compiled, pixels, test.count(), !Boolean.getBoolean("b1only"));
                    }
                }
            }
        }
    }

    /** W1's SimpleCNN (conv 1->32, conv 32->64, dense 3136->128, dense 128->10) for one epoch. */
    static SimpleCNN w1() {
        return W1.model(1).threads(2).progress(false).build();
    }

    /** The median time of each step of {@code plan} run on its own, in microseconds. */
    private static String stepMedians(Predictor predictor, BatchPlan plan) {
        dev.jdnn.runtime.Stream stream = new dev.jdnn.runtime.Stream(dev.jdnn.runtime.Engine.cpu(),
                java.lang.foreign.Arena.ofAuto());
        StringBuilder out = new StringBuilder();
        for (BoundStep step : plan.steps()) {
            long[] nanos = new long[2_000];
            for (int i = 0; i < 500; i++) step.run(stream);
            for (int i = 0; i < nanos.length; i++) {
                long t0 = System.nanoTime();
                step.run(stream);
                nanos[i] = System.nanoTime() - t0;
            }
            Arrays.sort(nanos);
            out.append(String.format("%.1f ", nanos[nanos.length / 2] / 1e3));
        }
        return out.toString().trim();
    }

    private static void report(CompiledModel compiled, float[] pixels, int count, boolean big) {
        int size = compiled.imageSize();
        String label = compiled.precision() + " " + compiled.layout();
        try (Predictor predictor = compiled.newPredictor()) {
            float[] image = new float[size];
            float[] logits = new float[compiled.outputSize()];
            long[] nanos = new long[TIMED];
            for (int i = 0; i < WARMUP + TIMED; i++) {
                System.arraycopy(pixels, (i % count) * size, image, 0, size);
                long t0 = System.nanoTime();
                predictor.predict(image, logits);
                if (i >= WARMUP) nanos[i - WARMUP] = System.nanoTime() - t0;
            }
            Arrays.sort(nanos);
            BatchPlan plan = predictor.plan(1);
            System.out.printf("%s b1: p50 %.1f us, p99 %.1f us; reorders %d; %s%n", label, nanos[TIMED / 2 - 1] / 1e3,
                    nanos[(int) Math.ceil(0.99 * TIMED) - 1] / 1e3, plan.reorderCount(), plan.implementations());
            System.out.println("  per step, median us: " + stepMedians(predictor, plan));
        }
        if (!big) return;
        float[] batch = new float[BIG * size];
        for (int i = 0; i < BIG; i++) System.arraycopy(pixels, (i % count) * size, batch, i * size, size);
        try (Predictor whole = compiled.newPredictor(2, Integer.MAX_VALUE); Predictor split = compiled.newPredictor(2)) {
            System.out.printf("%s b256 whole batch, 2 threads: %.0f img/s; %s%n", label, throughput(whole, batch),
                    whole.plan(BIG).implementations());
            System.out.printf("%s b256 as 2 x 128 on 1-thread lanes: %.0f img/s%n", label, throughput(split, batch));
        }
    }

    /** Batches of 2 to 32 on 2 threads: one 2-thread call against two 1-thread halves. */
    private static void splitThreshold(CompiledModel compiled, float[] pixels) {
        try (Predictor whole = compiled.newPredictor(2, Integer.MAX_VALUE); Predictor split = compiled.newPredictor(2, 2)) {
            for (int n : new int[] {2, 4, 8, 16, 32}) {
                float[] batch = Arrays.copyOf(pixels, n * compiled.imageSize());
                float[] logits = new float[n * compiled.outputSize()];
                System.out.printf("b%d on 2 threads: one call %.1f us, split %.1f us (medians)%n", n,
                        median(whole, batch, logits), median(split, batch, logits));
            }
        }
    }

    private static double median(Predictor predictor, float[] batch, float[] logits) {
        long[] nanos = new long[2_000];
        for (int i = 0; i < 500; i++) predictor.predict(batch, logits);
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            predictor.predict(batch, logits);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        return nanos[nanos.length / 2] / 1e3;
    }

    /** Images per second of the best of PASSES passes of 40 batches, after one warm-up pass. */
    private static double throughput(Predictor predictor, float[] batch) {
        float[] logits = new float[BIG * predictor.model().outputSize()];
        int batches = 40;
        double best = 0;
        for (int pass = 0; pass <= PASSES; pass++) {
            long t0 = System.nanoTime();
            for (int b = 0; b < batches; b++) predictor.predict(batch, logits);
            if (pass > 0) best = Math.max(best, batches * BIG / ((System.nanoTime() - t0) / 1e9));
        }
        return best;
    }
}
