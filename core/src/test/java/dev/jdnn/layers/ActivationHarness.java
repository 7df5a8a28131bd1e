package dev.jdnn.layers;

import dev.jdnn.runtime.CountingArena;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.Stream;
import dev.jdnn.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * Runs parameter-free layers (activations, dropout) in tests: plain or re-laid-out inputs, plain reads
 * of any tensor, and a naive reference comparison that reports the largest difference.
 */
final class ActivationHarness implements AutoCloseable {
    final CountingArena arena = new CountingArena();
    final PlanContext context = new PlanContext(arena, Engine.cpu(), new Stream(Engine.cpu(), arena));

    /** A plain tensor holding {@code values}. */
    Tensor plain(float[] values, long... dims) {
        Tensor t = Tensor.plain(arena, DataType.F32, dims);
        t.copyFrom(values);
        return t;
    }

    /** A tensor in layout {@code tag} holding {@code values} (given in plain order). */
    Tensor inLayout(FormatTag tag, float[] values, long... dims) {
        Tensor plain = plain(values, dims);
        Tensor t = Step.inLayout(context, plain, MemoryDesc.of(arena, DataType.F32, tag, dims));
        Step reorder = Step.reorder(context, plain, t);
        if (reorder != null) reorder.run(context.stream());
        context.stream().waitAll();
        return t;
    }

    /** The values of {@code t} in plain order, whatever its layout. */
    float[] read(Tensor t) {
        context.stream().waitAll();
        if (t.isPlain()) return t.toArray();
        Tensor plain = Tensor.plain(arena, DataType.F32, t.dims());
        Step.reorder(context, t, plain).run(context.stream());
        context.stream().waitAll();
        return plain.toArray();
    }

    /** A layer planned for {@code input}, with a gradient for the input in training. */
    LayerPlan plan(Layer layer, Tensor input, Mode mode) {
        return layer.plan(context, input, mode, List.of(), true);
    }

    static float[] uniform(long seed, int n, double low, double high) {
        Random random = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) values[i] = (float) (low + (high - low) * random.nextDouble());
        return values;
    }

    /** Values in [-range, range] at least {@code gap} away from 0 (clear of the kinks of relu and friends). */
    static float[] awayFromZero(long seed, int n, double range, double gap) {
        Random random = new Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            double magnitude = gap + (range - gap) * random.nextDouble();
            values[i] = (float) (random.nextBoolean() ? magnitude : -magnitude);
        }
        return values;
    }

    static int size(long... dims) {
        long n = 1;
        for (long d : dims) n *= d;
        return Math.toIntExact(n);
    }

    /** The largest difference between a reference and a result, relative to max(1, |expected|). */
    record Difference(double relative, int index, double expected, float actual) {
        @Override
        public String toString() {
            return "largest relative difference " + relative + " at element " + index + ": expected " + expected
                    + ", got " + actual;
        }
    }

    static Difference compare(double[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new AssertionError("lengths differ: expected " + expected.length + ", got " + actual.length);
        }
        Difference worst = new Difference(0, 0, expected.length == 0 ? 0 : expected[0], actual.length == 0 ? 0 : actual[0]);
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(actual[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
            if (!(error <= worst.relative())) worst = new Difference(error, i, expected[i], actual[i]);
        }
        return worst;
    }

    /**
     * Asserts that {@code step} allocates nothing per run, on or off the heap, once warmed up. Heap bytes
     * come from ThreadMXBean; a per-run object (16 bytes at least) would cost 16 * steps, so the bound of
     * 8 bytes per run leaves room only for one-off JIT work. Off-heap bytes (CountingArena) must be 0.
     */
    static void assertAllocatesNothing(String what, int warmup, int steps, Runnable step) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warmup; i++) step.run();
        long offHeap = CountingArena.allocatedBytes();
        long heap = threads.getCurrentThreadAllocatedBytes();
        long measuring = threads.getCurrentThreadAllocatedBytes() - heap;
        heap = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < steps; i++) step.run();
        long heapBytes = threads.getCurrentThreadAllocatedBytes() - heap - measuring;
        long offHeapBytes = CountingArena.allocatedBytes() - offHeap;
        org.junit.jupiter.api.Assertions.assertTrue(heapBytes < 8L * steps && offHeapBytes == 0,
                what + ": " + steps + " steps allocated " + heapBytes + " heap bytes and " + offHeapBytes
                        + " off-heap bytes");
    }

    @Override
    public void close() {
        arena.close();
    }
}
