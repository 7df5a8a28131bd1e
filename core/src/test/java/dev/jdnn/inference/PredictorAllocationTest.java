package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Preprocessing;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.RandomNetworks;
import dev.jdnn.runtime.CountingArena;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A prediction allocates nothing after the first call of its batch size: no Java heap bytes (counted
 * by the JVM for the calling thread over 100,000 batch-1 calls after warm-up) and no off-heap bytes; on a
 * residual graph too.
 */
class PredictorAllocationTest {
    private static final int CALLS = 100_000;
    /** For the other kinds of call, which share the same path after their first lines. */
    private static final int FEWER_CALLS = 20_000;
    private static final int WARMUP = 10_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static SimpleCNN model;
    private static CompiledModel compiled;
    private static float[] images;

    @BeforeAll
    static void fit() {
        model = Models.fitted(Models.small(ActivationFunction.RELU, true, true));
        compiled = CompiledModel.of(model, 16);
        images = Models.testImages(16).toArray();
    }

    @AfterAll
    static void close() {
        compiled.close();
        model.close();
    }

    /** One kind of call, run again and again. */
    private interface Call {
        void run(int i);
    }

    @Test
    void batchOneArrayCallsAllocateNothing() {
        try (Predictor predictor = compiled.newPredictor()) {
            int size = compiled.imageSize();
            float[] image = new float[size];
            float[] logits = new float[compiled.outputSize()];
            assertAllocatesNothing("predict(float[], float[])", CALLS, i -> {
                System.arraycopy(images, (i & 15) * size, image, 0, size);
                predictor.predict(image, logits);
            });
            assertAllocatesNothing("predictClass(float[])", FEWER_CALLS, i -> predictor.predictClass(image));
        }
    }

    @Test
    void batchOneBufferAndSegmentCallsAllocateNothing() {
        try (Predictor predictor = compiled.newPredictor(); Arena arena = Arena.ofConfined()) {
            int size = compiled.imageSize();
            FloatBuffer image = ByteBuffer.allocateDirect(size * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            image.put(images, 0, size).flip();
            FloatBuffer logits = FloatBuffer.allocate(compiled.outputSize());
            assertAllocatesNothing("predict(FloatBuffer, FloatBuffer)", FEWER_CALLS, i -> predictor.predict(image, logits));
            MemorySegment in = arena.allocate((long) size * Float.BYTES);
            MemorySegment.copy(images, 0, in, ValueLayout.JAVA_FLOAT, 0, size);
            MemorySegment out = arena.allocate((long) compiled.outputSize() * Float.BYTES);
            assertAllocatesNothing("predict(MemorySegment, MemorySegment)", FEWER_CALLS, i -> predictor.predict(in, out));
        }
    }

    @Test
    void smallerBatchesAllocateNothingAfterTheirFirstUse() {
        try (Predictor predictor = compiled.newPredictor()) {
            int size = compiled.imageSize();
            float[] five = Arrays.copyOf(images, 5 * size);
            float[] logits = new float[5 * compiled.outputSize()];
            int[] classes = new int[5];
            predictor.predict(images, new float[16 * compiled.outputSize()]);
            assertAllocatesNothing("predict of 5 images", FEWER_CALLS, i -> predictor.predict(five, logits));
            assertAllocatesNothing("predictClasses of 5 images", FEWER_CALLS, i -> predictor.predictClasses(five, classes));
        }
    }

    /**
     * The same on a residual graph: convolutions with a fused sum post-op (one over its addend's buffer), a binary add
     * written over its first input, and reorders of addends between layouts.
     */
    @Test
    void residualGraphCallsAllocateNothing() {
        Random random = new Random(71);
        try (Network network = new Network(TestGraphs.SHARED_ADDEND_SECOND.graph())) {
            RandomNetworks.randomize(network, random);
            float[] batch = RandomNetworks.images(random, 5, TestGraphs.IMAGE);
            try (CompiledModel residual = new CompiledModel(network, Preprocessing.DEFAULT, 5, Precision.F32,
                    CompiledModel.DEFAULT_LAYOUT, DenseImplementations.timed());
                 Predictor predictor = residual.newPredictor()) {
                float[] image = Arrays.copyOf(batch, residual.imageSize());
                float[] logits = new float[residual.outputSize()];
                assertAllocatesNothing("residual graph, 1 image", FEWER_CALLS, i -> predictor.predict(image, logits));
                float[] all = new float[5 * residual.outputSize()];
                assertAllocatesNothing("residual graph, 5 images", FEWER_CALLS, i -> predictor.predict(batch, all));
            }
        }
    }

    private static void assertAllocatesNothing(String what, int calls, Call call) {
        for (int i = 0; i < WARMUP; i++) call.run(i);
        long offHeap = CountingArena.allocatedBytes();
        long heap = Long.MAX_VALUE;
        // Up to three rounds, keeping the least: a JIT recompilation during one round may allocate, the
        // calls may not.
        for (int round = 0; round < 3 && heap > 0; round++) {
            long start = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) call.run(i);
            heap = Math.min(heap, THREADS.getCurrentThreadAllocatedBytes() - start);
        }
        long offHeapGrowth = CountingArena.allocatedBytes() - offHeap;
        System.out.printf("%s: %d heap bytes, %d off-heap bytes over %d calls%n", what, heap, offHeapGrowth, calls);
        assertTrue(THREADS.getCurrentThreadAllocatedBytes() > 0, "the JVM counts allocated bytes");
        assertEquals(0, heap, what + ": Java heap bytes allocated by " + calls + " calls");
        assertEquals(0, offHeapGrowth, what + ": off-heap bytes allocated by " + calls + " calls");
    }
}
