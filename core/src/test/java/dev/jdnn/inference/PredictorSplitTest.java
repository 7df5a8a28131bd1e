package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.runtime.CountingArena;
import dev.jdnn.runtime.ThreadStartException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A predictor of several threads splits large batches into per-thread parts: each part gives exactly
 * what a 1-thread predictor gives for it, and the hand-off to the workers allocates nothing.
 */
class PredictorSplitTest {
    private static final int MAX_BATCH = 32;

    private static SimpleCNN model;
    private static CompiledModel compiled;
    private static float[] images;

    @BeforeAll
    static void fit() {
        model = Models.fitted(Models.small(ActivationFunction.ELU, true, true));
        compiled = CompiledModel.of(model, MAX_BATCH);
        images = Models.testImages(MAX_BATCH).toArray();
    }

    @AfterAll
    static void close() {
        compiled.close();
        model.close();
    }

    @Test
    void splitBatchesEqualTheirPartsPredictedOnOneThread() {
        try (Predictor split = compiled.newPredictor(2); Predictor single = compiled.newPredictor()) {
            for (int n : new int[] {2, 17, 32}) {
                float[] logits = new float[n * compiled.outputSize()];
                split.predict(Arrays.copyOf(images, n * compiled.imageSize()), logits);
                assertEquals(1, split.workerThreads().length, "a 2-thread predictor splits " + n + " images");
                int first = (n + 1) / 2;
                float[] expected = new float[n * compiled.outputSize()];
                float[] part = new float[first * compiled.outputSize()];
                single.predict(Arrays.copyOf(images, first * compiled.imageSize()), part);
                System.arraycopy(part, 0, expected, 0, part.length);
                part = new float[(n - first) * compiled.outputSize()];
                single.predict(Arrays.copyOfRange(images, first * compiled.imageSize(), n * compiled.imageSize()), part);
                System.arraycopy(part, 0, expected, first * compiled.outputSize(), part.length);
                assertArrayEquals(expected, logits, n + " images split " + first + " + " + (n - first));
            }
        }
    }

    @Test
    void oneImageIsNotSplitTwoAre() {
        try (Predictor predictor = compiled.newPredictor(2)) {
            predictor.predict(Arrays.copyOf(images, compiled.imageSize()), new float[compiled.outputSize()]);
            assertEquals(0, predictor.workerThreads().length, "one image runs on the calling thread");
            predictor.predict(Arrays.copyOf(images, 2 * compiled.imageSize()), new float[2 * compiled.outputSize()]);
            assertEquals(1, predictor.workerThreads().length, "two images are split");
        }
    }

    @Test
    void splitCallsAllocateNothingOnAnyThread() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Predictor predictor = compiled.newPredictor(2)) {
            float[] logits = new float[MAX_BATCH * compiled.outputSize()];
            for (int i = 0; i < 2_000; i++) predictor.predict(images, logits);
            long worker = predictor.workerThreads()[0].threadId();
            long offHeap = CountingArena.allocatedBytes();
            long heap = Long.MAX_VALUE;
            // Up to three rounds, keeping the least: a JIT recompilation may allocate, the calls may not.
            for (int round = 0; round < 3 && heap > 0; round++) {
                long caller = threads.getCurrentThreadAllocatedBytes();
                long workerBefore = threads.getThreadAllocatedBytes(worker);
                for (int i = 0; i < 2_000; i++) predictor.predict(images, logits);
                heap = Math.min(heap, threads.getCurrentThreadAllocatedBytes() - caller
                        + threads.getThreadAllocatedBytes(worker) - workerBefore);
            }
            assertEquals(0, heap, "heap bytes allocated by 2,000 split calls on the caller and the worker");
            assertEquals(0, CountingArena.allocatedBytes() - offHeap, "off-heap bytes allocated by split calls");
        }
    }

    /**
     * Issue 20, class 3: a worker thread that cannot start (the JVM's OutOfMemoryError "unable to create native
     * thread", injected at the k-th thread) fails the call with ThreadStartException, stops the workers already
     * started and leaves no half-built predictor: the next split call works and gives what a predictor that never
     * failed gives; or, closed right away, the predictor and then its compiled model close, the native bytes back
     * where they were.
     */
    @ParameterizedTest(name = "worker thread {0} of 2 fails, retried: {1}")
    @CsvSource({"1, true", "2, true", "1, false", "2, false"})
    void aWorkerThatCannotStartLeavesNothingHalfBuilt(int failing, boolean retry) {
        long liveBefore = CountingArena.liveBytes();
        int n = 3;
        float[] input = Arrays.copyOf(images, n * compiled.imageSize());
        float[] expected = new float[n * compiled.outputSize()];
        try (Predictor healthy = compiled.newPredictor(3, 3, Thread.ofPlatform().factory())) {
            healthy.predict(input, expected);
        }
        CompiledModel local = CompiledModel.of(model, MAX_BATCH);
        FailingFactory factory = new FailingFactory(failing);
        Predictor predictor = local.newPredictor(3, 3, factory);
        float[] logits = new float[expected.length];
        ThreadStartException e = assertThrows(ThreadStartException.class, () -> predictor.predict(input, logits));
        assertTrue(e.getMessage().contains("jdnn-predictor-worker-" + failing), e.getMessage());
        assertEquals(0, predictor.workerThreads().length, "no half-built set of workers");
        for (Thread made : factory.made) assertFalse(made.isAlive(), made + " is stopped");
        if (retry) {
            predictor.predict(input, logits);
            assertArrayEquals(expected, logits, "after the failed start");
            assertEquals(2, predictor.workerThreads().length);
        }
        predictor.close();
        predictor.close();
        assertThrows(IllegalStateException.class, () -> predictor.predict(input, logits));
        local.close();
        for (Thread made : factory.made) assertFalse(made.isAlive(), made + " is stopped");
        assertEquals(liveBefore, CountingArena.liveBytes(), "native bytes after the predictor and model closed");
    }

    /** Makes platform threads, except the k-th, whose start fails as the JVM's does at a thread limit. */
    private static final class FailingFactory implements ThreadFactory {
        private final int failing;
        final List<Thread> made = new ArrayList<>();

        FailingFactory(int failing) {
            this.failing = failing;
        }

        @Override
        public Thread newThread(Runnable task) {
            if (made.size() + 1 == failing) {
                made.add(new Thread(task) {
                    @Override
                    public void start() {
                        throw new OutOfMemoryError("unable to create native thread: possibly out of memory or"
                                + " process/resource limits reached");
                    }
                });
            } else {
                made.add(Thread.ofPlatform().unstarted(task));
            }
            return made.getLast();
        }
    }
}
