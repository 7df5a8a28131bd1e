package dev.jdnn.bench;

import dev.jdnn.data.Dataset;
import java.util.Arrays;

/**
 * W1's inference figures, measured through an {@link InferenceTarget} on the test set: latency of single
 * images on one thread, and throughput of batches of 256 on two threads.
 */
public final class InferenceBenchmark {
    /** Batch of the throughput figure. */
    public static final int BIG_BATCH = 256;
    /** Batches per throughput pass: 10,240 images, wrapping around the 10,000 test images. */
    public static final int BIG_BATCHES = 40;

    /**
     * @param p50Us             median latency of a call, microseconds (nearest rank)
     * @param p99Us             99th percentile latency, microseconds (nearest rank)
     * @param allocBytesPerCall Java heap bytes the calling thread allocated per timed call
     */
    public record Latency(int calls, double p50Us, double p99Us, double allocBytesPerCall) {}

    /**
     * @param imagesPerSecond the best timed pass
     * @param accuracy        accuracy of the warm-up pass's predictions on the test set, a check of the target
     */
    public record Throughput(int passes, double imagesPerSecond, double accuracy) {}

    /** Written with each call's first logit so that no call can be optimized away. */
    private static volatile float sink;

    private InferenceBenchmark() {}

    /** Batch 1 on one thread: {@code warmup} calls, then {@code calls} timed calls, image i mod count. */
    public static Latency batch1(InferenceTarget target, Dataset test, int warmup, int calls) {
        if (warmup < 0 || calls < 1) {
            throw new IllegalArgumentException("warm-up calls must be >= 0 and timed calls >= 1, got "
                    + warmup + " and " + calls);
        }
        float[] pixels = test.toArray();
        int count = test.count();
        float[] image = new float[W1.IMAGE_FLOATS];
        float[] logits = new float[W1.CLASSES];
        for (int i = 0; i < warmup; i++) {
            System.arraycopy(pixels, (i % count) * W1.IMAGE_FLOATS, image, 0, W1.IMAGE_FLOATS);
            target.predict(1, image, logits);
            sink = logits[0];
        }
        long[] nanos = new long[calls];
        long heapBefore = ProcessFacts.threadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            System.arraycopy(pixels, (i % count) * W1.IMAGE_FLOATS, image, 0, W1.IMAGE_FLOATS);
            long start = System.nanoTime();
            target.predict(1, image, logits);
            nanos[i] = System.nanoTime() - start;
            sink = logits[0];
        }
        long heapBytes = ProcessFacts.threadAllocatedBytes() - heapBefore;
        Arrays.sort(nanos);
        return new Latency(calls, percentile(nanos, 0.50) / 1e3, percentile(nanos, 0.99) / 1e3,
                (double) heapBytes / calls);
    }

    /**
     * Batches of 256 on two threads: one warm-up pass of {@link #BIG_BATCHES} batches (whose predictions give
     * the accuracy check), then {@code passes} timed passes, of which the best counts.
     */
    public static Throughput batch256(InferenceTarget target, Dataset test, int passes) {
        if (passes < 1) throw new IllegalArgumentException("passes must be >= 1, got " + passes);
        float[] pixels = test.toArray();
        int count = test.count();
        float[][] batches = new float[BIG_BATCHES][BIG_BATCH * W1.IMAGE_FLOATS];
        for (int i = 0; i < BIG_BATCHES * BIG_BATCH; i++) {
            System.arraycopy(pixels, (i % count) * W1.IMAGE_FLOATS, batches[i / BIG_BATCH],
                    (i % BIG_BATCH) * W1.IMAGE_FLOATS, W1.IMAGE_FLOATS);
        }
        float[] logits = new float[BIG_BATCH * W1.CLASSES];
        int correct = 0;
        for (int b = 0; b < BIG_BATCHES; b++) {
            target.predict(2, batches[b], logits);
            for (int i = 0; i < BIG_BATCH && b * BIG_BATCH + i < count; i++) {
                if (argmax(logits, i) == test.label(b * BIG_BATCH + i)) correct++;
            }
        }
        double best = 0;
        for (int pass = 0; pass < passes; pass++) {
            long start = System.nanoTime();
            for (int b = 0; b < BIG_BATCHES; b++) {
                target.predict(2, batches[b], logits);
                sink = logits[0];
            }
            best = Math.max(best, (double) BIG_BATCHES * BIG_BATCH * 1e9 / (System.nanoTime() - start));
        }
        return new Throughput(passes, best, (double) correct / Math.min(count, BIG_BATCHES * BIG_BATCH));
    }

    /** The accuracy of the target's classes on every image of {@code test}, in batches of up to 256 on two threads. */
    public static double accuracy(InferenceTarget target, Dataset test) {
        float[] pixels = test.toArray();
        int count = test.count();
        float[] logits = new float[BIG_BATCH * W1.CLASSES];
        int correct = 0;
        for (int from = 0; from < count; from += BIG_BATCH) {
            int n = Math.min(BIG_BATCH, count - from);
            float[] images = Arrays.copyOfRange(pixels, from * W1.IMAGE_FLOATS, (from + n) * W1.IMAGE_FLOATS);
            float[] rows = n == BIG_BATCH ? logits : new float[n * W1.CLASSES];
            target.predict(2, images, rows);
            for (int i = 0; i < n; i++) if (argmax(rows, i) == test.label(from + i)) correct++;
        }
        return (double) correct / count;
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static int argmax(float[] logits, int row) {
        int best = 0;
        for (int j = 1; j < W1.CLASSES; j++) {
            if (logits[row * W1.CLASSES + j] > logits[row * W1.CLASSES + best]) best = j;
        }
        return best;
    }
}
