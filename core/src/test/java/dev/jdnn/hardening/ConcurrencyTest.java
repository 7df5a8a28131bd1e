package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import dev.jdnn.runtime.CountingArena;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, concurrency: 16 threads predicting at once on one compiled model, 100,000 calls in all (6,250 each;
 * {@code -Djdnn.test.callsPerThread=100000} makes it 100,000 each), every result bit-identical to the sequential
 * prediction of the same images with the same batch size and thread count;
 * and 16 threads loading one model file at once, each loaded model predicting bit-identically to the saved one. The
 * first use of the native loader by racing threads, in one JVM and in two, is in {@code NativeLoaderTest}.
 */
class ConcurrencyTest {
    private static final int THREADS = 16;
    private static final int CALLS_PER_THREAD = Integer.getInteger("jdnn.test.callsPerThread", 6_250);
    /** Threads 0 to 3 use predictors of 2 threads, which split a batch of 4 with a worker thread of their own. */
    private static final int SPLITTING_THREADS = 4;
    private static final int IMAGES = 200;
    private static final int BATCH = 4;

    @TempDir
    static Path folder;
    private static Dataset test;
    private static SimpleCNN model;
    private static CompiledModel compiled;
    private static float[][] pixels;
    /** [predictor threads - 1][first image]: logits of image i alone, and of images i .. i+3 as one batch. */
    private static float[][][] single;
    private static float[][][] batched;

    @BeforeAll
    static void fitAndPredictSequentially() {
        Datasets.TrainTest data = Datasets.embeddedDefault();
        test = data.test().head(IMAGES);
        model = SoakRun.model(data.train());
        compiled = CompiledModel.of(model, BATCH);
        pixels = new float[IMAGES][];
        for (int i = 0; i < IMAGES; i++) pixels[i] = test.image(i);
        single = new float[2][IMAGES][];
        batched = new float[2][IMAGES][];
        for (int threads = 1; threads <= 2; threads++) {
            try (Predictor predictor = compiled.newPredictor(threads)) {
                for (int i = 0; i < IMAGES; i++) {
                    single[threads - 1][i] = new float[compiled.outputSize()];
                    predictor.predict(pixels[i], single[threads - 1][i]);
                    batched[threads - 1][i] = new float[BATCH * compiled.outputSize()];
                    predictor.predict(batchFrom(i), batched[threads - 1][i]);
                }
            }
        }
    }

    @AfterAll
    static void close() {
        compiled.close();
        model.close();
    }

    /** Images first .. first+3 (wrapping around) as one N x C x H x W array. */
    private static float[] batchFrom(int first) {
        int size = compiled.imageSize();
        float[] images = new float[BATCH * size];
        for (int b = 0; b < BATCH; b++) System.arraycopy(pixels[(first + b) % IMAGES], 0, images, b * size, size);
        return images;
    }

    @Test
    void sixteenThreadsPredictBitIdenticallyToSequentialPrediction() throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong calls = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int index = t;
            threads.add(Thread.ofPlatform().name("predicting-" + t).start(() -> {
                try {
                    calls.addAndGet(predictMany(index, start, failures));
                } catch (Throwable e) {
                    failures.add("thread " + index + " threw " + e);
                }
            }));
        }
        for (Thread thread : threads) thread.join();
        assertTrue(failures.isEmpty(), failures.size() + " failures, the first: " + failures.peek());
        assertEquals((long) THREADS * CALLS_PER_THREAD, calls.get());
    }

    /**
     * One thread's calls on a predictor of its own, in turn through float arrays, float buffers and memory segments
     * (batch 1), and batches of 4; returns the number of calls made.
     */
    private static int predictMany(int thread, CyclicBarrier start, ConcurrentLinkedQueue<String> failures)
            throws Exception {
        int predictorThreads = thread < SPLITTING_THREADS ? 2 : 1;
        int outputs = compiled.outputSize();
        float[] logits = new float[outputs];
        float[] batchLogits = new float[BATCH * outputs];
        FloatBuffer bufferIn = FloatBuffer.allocate(compiled.imageSize());
        FloatBuffer bufferOut = FloatBuffer.allocate(outputs);
        int made = 0;
        try (Arena arena = Arena.ofConfined(); Predictor predictor = compiled.newPredictor(predictorThreads)) {
            MemorySegment segmentIn = arena.allocate((long) compiled.imageSize() * Float.BYTES);
            MemorySegment segmentOut = arena.allocate((long) outputs * Float.BYTES);
            start.await();
            for (int c = 0; c < CALLS_PER_THREAD; c++, made++) {
                int image = (thread * 37 + c) % IMAGES;
                float[] expected = single[predictorThreads - 1][image];
                float[] actual = logits;
                switch (c % 4) {
                    case 0 -> predictor.predict(pixels[image], logits);
                    case 1 -> {
                        bufferIn.clear().put(pixels[image]).flip();
                        predictor.predict(bufferIn, bufferOut.clear());
                        bufferOut.get(0, logits);
                    }
                    case 2 -> {
                        MemorySegment.copy(pixels[image], 0, segmentIn, ValueLayout.JAVA_FLOAT, 0, pixels[image].length);
                        predictor.predict(segmentIn, segmentOut);
                        MemorySegment.copy(segmentOut, ValueLayout.JAVA_FLOAT, 0, logits, 0, outputs);
                    }
                    default -> {
                        predictor.predict(batchFrom(image), batchLogits);
                        expected = batched[predictorThreads - 1][image];
                        actual = batchLogits;
                    }
                }
                if (!Arrays.equals(expected, actual)) {
                    failures.add("thread " + thread + " call " + c + " (image " + image + ", kind " + c % 4 + "): "
                            + Arrays.toString(actual) + " instead of " + Arrays.toString(expected));
                }
            }
        }
        return made;
    }

    @Test
    void sixteenThreadsLoadingOneFileAtOnceGetTheSameModel() throws Exception {
        Path file = folder.resolve("model.jdnn");
        model.save(file);
        float[][] expected = model.predictRaw(test);
        long liveBefore = CountingArena.liveBytes();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        float[][][] results = new float[THREADS][][];
        float[][] compiledResults = new float[THREADS][];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int index = t;
            threads.add(Thread.ofPlatform().name("loading-" + t).start(() -> {
                try {
                    start.await();
                    try (SimpleCNN loaded = SimpleCNN.load(file);
                         CompiledModel loadedCompiled = CompiledModel.of(loaded, BATCH);
                         Predictor predictor = loadedCompiled.newPredictor()) {
                        results[index] = loaded.predictRaw(test);
                        compiledResults[index] = new float[compiled.outputSize()];
                        predictor.predict(pixels[index], compiledResults[index]);
                    }
                } catch (Throwable e) {
                    failures.add("thread " + index + " threw " + e);
                }
            }));
        }
        for (Thread thread : threads) thread.join();
        assertTrue(failures.isEmpty(), failures.size() + " failures, the first: " + failures.peek());
        for (int t = 0; t < THREADS; t++) {
            for (int i = 0; i < IMAGES; i++) {
                assertArrayEquals(expected[i], results[t][i], "thread " + t + ", image " + i + " (predictRaw)");
            }
            assertArrayEquals(single[0][t], compiledResults[t], "thread " + t + " (compiled)");
        }
        assertEquals(liveBefore, CountingArena.liveBytes(), "native bytes after 16 loaded models were closed");
    }
}
