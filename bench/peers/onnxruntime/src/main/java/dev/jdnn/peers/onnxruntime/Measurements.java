package dev.jdnn.peers.onnxruntime;

import ai.onnxruntime.OrtException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * W1's inference figures through an {@link Inference}, taken exactly as jdnn's {@code dev.jdnn.bench.InferenceBenchmark}
 * takes them: batch 1 over test images one at a time (image i mod count), nearest-rank percentiles of the timed
 * calls after the warm-up, heap bytes the calling thread allocated per timed call; batch 256 as the best of timed
 * passes of 40 batches wrapping the test set, after a warm-up pass whose predictions give an accuracy check.
 */
final class Measurements {
    static final int BIG_BATCH = 256;
    static final int BIG_BATCHES = 40;
    static final int CLASSES = 10;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Written with each call's first logit so that no call can be optimized away. */
    private static volatile float sink;

    record Latency(int calls, double p50Us, double p99Us, double allocBytesPerCall) {}

    record Throughput(int passes, double imagesPerSecond, double accuracy) {}

    private Measurements() {}

    static Latency batch1(Inference target, TestSet test, int warmup, int calls) throws OrtException {
        return batch1(target, test, CLASSES, warmup, calls);
    }

    /** Batch 1 for a model of {@code outputs} outputs per image. */
    static Latency batch1(Inference target, TestSet test, int outputs, int warmup, int calls) throws OrtException {
        float[] image = new float[test.imageFloats()];
        float[] logits = new float[outputs];
        for (int i = 0; i < warmup; i++) {
            test.copyImage(i, image, 0);
            target.predict(image, logits);
            sink = logits[0];
        }
        long[] nanos = new long[calls];
        long heapBefore = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < calls; i++) {
            test.copyImage(i, image, 0);
            long start = System.nanoTime();
            target.predict(image, logits);
            nanos[i] = System.nanoTime() - start;
            sink = logits[0];
        }
        long heapBytes = THREADS.getCurrentThreadAllocatedBytes() - heapBefore;
        Arrays.sort(nanos);
        return new Latency(calls, percentile(nanos, 0.50) / 1e3, percentile(nanos, 0.99) / 1e3,
                (double) heapBytes / calls);
    }

    /** {@code target} takes batches of exactly {@link #BIG_BATCH} images. */
    static Throughput batch256(Inference target, TestSet test, int passes) throws OrtException {
        return throughput(target, test, CLASSES, BIG_BATCH, BIG_BATCHES, passes);
    }

    /**
     * Batches of {@code batch} images (what {@code target} takes) of {@code outputs} outputs each: a warm-up pass
     * of {@code batches} batches wrapping the images (whose predictions give the accuracy check), then the best of
     * {@code passes} timed passes.
     */
    static Throughput throughput(Inference target, TestSet test, int outputs, int batch, int batches, int passes)
            throws OrtException {
        float[][] inputs = new float[batches][batch * test.imageFloats()];
        for (int i = 0; i < batches * batch; i++) {
            test.copyImage(i, inputs[i / batch], (i % batch) * test.imageFloats());
        }
        float[] logits = new float[batch * outputs];
        int correct = 0;
        for (int b = 0; b < batches; b++) {
            target.predict(inputs[b], logits);
            for (int i = 0; i < batch && b * batch + i < test.count(); i++) {
                if (argmax(logits, outputs, i) == test.labels()[b * batch + i]) correct++;
            }
        }
        double best = 0;
        for (int pass = 0; pass < passes; pass++) {
            long start = System.nanoTime();
            for (int b = 0; b < batches; b++) {
                target.predict(inputs[b], logits);
                sink = logits[0];
            }
            best = Math.max(best, (double) batches * batch * 1e9 / (System.nanoTime() - start));
        }
        return new Throughput(passes, best, (double) correct / Math.min(test.count(), batches * batch));
    }

    /**
     * Accuracy on every test image: full batches through {@code batches} ({@link #BIG_BATCH} images each), the
     * rest through {@code any} (any batch size).
     */
    static double accuracy(Inference batches, Inference any, TestSet test) throws OrtException {
        int correct = 0;
        for (int from = 0; from < test.count(); from += BIG_BATCH) {
            int n = Math.min(BIG_BATCH, test.count() - from);
            float[] images = Arrays.copyOfRange(test.pixels(), from * test.imageFloats(), (from + n) * test.imageFloats());
            float[] logits = new float[n * CLASSES];
            (n == BIG_BATCH ? batches : any).predict(images, logits);
            for (int i = 0; i < n; i++) if (argmax(logits, CLASSES, i) == test.labels()[from + i]) correct++;
        }
        return (double) correct / test.count();
    }

    /** The largest |a - b| over the logits of the first {@code images} test images, one at a time. */
    static double largestDifference(Inference a, Inference b, TestSet test, int images) throws OrtException {
        return largestDifference(a, b, test, CLASSES, images);
    }

    /** The same for a model of {@code outputs} outputs per image. */
    static double largestDifference(Inference a, Inference b, TestSet test, int outputs, int images)
            throws OrtException {
        float[] image = new float[test.imageFloats()];
        float[] x = new float[outputs];
        float[] y = new float[outputs];
        double worst = 0;
        for (int i = 0; i < images; i++) {
            test.copyImage(i, image, 0);
            a.predict(image, x);
            b.predict(image, y);
            for (int j = 0; j < outputs; j++) worst = Math.max(worst, Math.abs(x[j] - y[j]));
        }
        return worst;
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static int argmax(float[] logits, int outputs, int row) {
        int best = 0;
        for (int j = 1; j < outputs; j++) {
            if (logits[row * outputs + j] > logits[row * outputs + best]) best = j;
        }
        return best;
    }
}
