package dev.jdnn.bench;

import dev.jdnn.data.Dataset;
import java.util.Arrays;

/**
 * Inference figures measured through an {@link InferenceTarget} on a set of images: latency of single images on
 * one thread, and throughput of batches on several threads. W1's figures (batches of 256 on two threads over its
 * test set) and {@code bench model}'s (any model, batches of any size) are taken by the same code.
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
        int imageFloats = imageFloats(test);
        float[] image = new float[imageFloats];
        float[] logits = new float[target.outputSize()];
        for (int i = 0; i < warmup; i++) {
            System.arraycopy(pixels, (i % count) * imageFloats, image, 0, imageFloats);
            target.predict(1, image, logits);
            sink = logits[0];
        }
        long[] nanos = new long[calls];
        long heapBefore = ProcessFacts.threadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            System.arraycopy(pixels, (i % count) * imageFloats, image, 0, imageFloats);
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
        return throughput(target, test, BIG_BATCH, BIG_BATCHES, 2, passes);
    }

    /**
     * Batches of {@code batch} images on {@code threads} threads: one warm-up pass of {@code batches} batches,
     * wrapping around the images of {@code test} (their predictions give the accuracy check), then {@code passes}
     * timed passes, of which the best counts.
     */
    public static Throughput throughput(InferenceTarget target, Dataset test, int batch, int batches, int threads,
                                        int passes) {
        if (batch < 1 || batches < 1 || threads < 1 || passes < 1) {
            throw new IllegalArgumentException("batch, batches, threads and passes must be >= 1, got " + batch + ", "
                    + batches + ", " + threads + " and " + passes);
        }
        float[] pixels = test.toArray();
        int count = test.count();
        int imageFloats = imageFloats(test);
        int outputs = target.outputSize();
        float[][] inputs = new float[batches][batch * imageFloats];
        for (int i = 0; i < batches * batch; i++) {
            System.arraycopy(pixels, (i % count) * imageFloats, inputs[i / batch], (i % batch) * imageFloats,
                    imageFloats);
        }
        float[] logits = new float[batch * outputs];
        int correct = 0;
        for (int b = 0; b < batches; b++) {
            target.predict(threads, inputs[b], logits);
            for (int i = 0; i < batch && b * batch + i < count; i++) {
                if (argmax(logits, outputs, i) == test.label(b * batch + i)) correct++;
            }
        }
        double best = 0;
        for (int pass = 0; pass < passes; pass++) {
            long start = System.nanoTime();
            for (int b = 0; b < batches; b++) {
                target.predict(threads, inputs[b], logits);
                sink = logits[0];
            }
            best = Math.max(best, (double) batches * batch * 1e9 / (System.nanoTime() - start));
        }
        return new Throughput(passes, best, (double) correct / Math.min(count, batches * batch));
    }

    /** The accuracy of the target's classes on every image of {@code test}, in batches of up to 256 on two threads. */
    public static double accuracy(InferenceTarget target, Dataset test) {
        float[] pixels = test.toArray();
        int count = test.count();
        int imageFloats = imageFloats(test);
        int outputs = target.outputSize();
        float[] logits = new float[BIG_BATCH * outputs];
        int correct = 0;
        for (int from = 0; from < count; from += BIG_BATCH) {
            int n = Math.min(BIG_BATCH, count - from);
            float[] images = Arrays.copyOfRange(pixels, from * imageFloats, (from + n) * imageFloats);
            float[] rows = n == BIG_BATCH ? logits : new float[n * outputs];
            target.predict(2, images, rows);
            for (int i = 0; i < n; i++) if (argmax(rows, outputs, i) == test.label(from + i)) correct++;
        }
        return (double) correct / count;
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static int imageFloats(Dataset images) {
        return images.channels() * images.height() * images.width();
    }

    private static int argmax(float[] logits, int outputs, int row) {
        int best = 0;
        for (int j = 1; j < outputs; j++) {
            if (logits[row * outputs + j] > logits[row * outputs + best]) best = j;
        }
        return best;
    }
}
