package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.layers.ActivationFunction;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** What a predictor accepts, what it refuses and with which message, and how its lifetime is bound. */
class PredictorContractTest {
    private static final int MAX_BATCH = 4;

    private static SimpleCNN model;
    private static CompiledModel compiled;
    private static float[] images;
    private static int size;
    private static int outputs;

    @BeforeAll
    static void fit() {
        model = Models.fitted(Models.small(ActivationFunction.RELU, true, true));
        compiled = CompiledModel.of(model, MAX_BATCH);
        images = Models.testImages(MAX_BATCH).toArray();
        size = compiled.imageSize();
        outputs = compiled.outputSize();
    }

    @AfterAll
    static void close() {
        compiled.close();
        model.close();
    }

    @Test
    void describesItsShapes() {
        assertArrayEquals(new long[] {1, 28, 28}, compiled.imageShape());
        assertEquals(784, size);
        assertEquals(10, outputs);
        assertEquals(MAX_BATCH, compiled.maxBatch());
        assertEquals(Precision.F32, compiled.precision());
    }

    @Test
    void arraysBuffersAndSegmentsGiveTheSameLogits() {
        try (Predictor predictor = compiled.newPredictor(); Arena arena = Arena.ofConfined()) {
            float[] fromArray = new float[MAX_BATCH * outputs];
            predictor.predict(images, fromArray);

            // Buffers are read from their position to their limit, and neither position moves.
            FloatBuffer in = ByteBuffer.allocateDirect((images.length + 3) * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            in.put(new float[] {9, 9, 9}).put(images).position(3);
            FloatBuffer out = FloatBuffer.allocate(fromArray.length + 2).position(2);
            predictor.predict(in, out);
            assertEquals(3, in.position());
            assertEquals(2, out.position());
            assertArrayEquals(fromArray, Arrays.copyOfRange(out.array(), 2, out.capacity()));

            MemorySegment segmentIn = arena.allocateFrom(ValueLayout.JAVA_FLOAT, images);
            MemorySegment segmentOut = arena.allocate((long) fromArray.length * Float.BYTES);
            predictor.predict(segmentIn, segmentOut);
            assertArrayEquals(fromArray, segmentOut.toArray(ValueLayout.JAVA_FLOAT));
            MemorySegment heapOut = MemorySegment.ofArray(new float[fromArray.length]);
            predictor.predict(MemorySegment.ofArray(images), heapOut);
            assertArrayEquals(fromArray, heapOut.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void classesAreTheArgmaxOfTheLogits() {
        try (Predictor predictor = compiled.newPredictor()) {
            float[] logits = new float[MAX_BATCH * outputs];
            predictor.predict(images, logits);
            int[] expected = new int[MAX_BATCH];
            for (int i = 0; i < MAX_BATCH; i++) {
                for (int c = 1; c < outputs; c++) {
                    if (logits[i * outputs + c] > logits[i * outputs + expected[i]]) expected[i] = c;
                }
            }
            assertArrayEquals(expected, predictor.predictClasses(images));
            for (int i = 0; i < MAX_BATCH; i++) {
                assertEquals(expected[i], predictor.predictClass(Arrays.copyOfRange(images, i * size, (i + 1) * size)));
            }
        }
    }

    @Test
    void wrongLengthsNameWhatIsExpectedAndWhatCame() {
        try (Predictor predictor = compiled.newPredictor()) {
            float[] logits = new float[outputs];
            assertMessage(() -> predictor.predict(new float[size + 1], logits), "785", "784");
            assertMessage(() -> predictor.predict(new float[0], logits), "got 0", "784");
            assertMessage(() -> predictor.predict(new float[(MAX_BATCH + 1) * size], new float[(MAX_BATCH + 1) * outputs]),
                    "1 to 4 images", String.valueOf((MAX_BATCH + 1) * size));
            assertMessage(() -> predictor.predict(new float[2 * size], logits), "2 x 10 = 20", "got 10");
            assertMessage(() -> predictor.predictClass(new float[2 * size]), "784", "got 1568");
            assertMessage(() -> predictor.predictClasses(new float[2 * size], new int[3]), "expected 2", "got 3");
            assertMessage(() -> predictor.predict(MemorySegment.ofArray(new byte[size * 4 + 2]),
                    MemorySegment.ofArray(new float[outputs])), "whole floats", String.valueOf(size * 4 + 2));
            assertMessage(() -> predictor.predict(FloatBuffer.allocate(size), FloatBuffer.allocate(outputs + 1)),
                    "must hold 1 x 10 = 10", "got 11");
        }
    }

    @Test
    void badArgumentsToCompileAndToNewPredictorAreRefused() {
        assertMessage(() -> CompiledModel.of(model, 0), "maxBatch", "got 0");
        assertMessage(() -> compiled.newPredictor(0), "threads", "got 0");
        try (SimpleCNN unfitted = Models.small(ActivationFunction.RELU, true, true).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> CompiledModel.of(unfitted, 1));
            assertTrue(e.getMessage().contains("not fitted"), e.getMessage());
        }
    }

    @Test
    void aModelRefusesToCloseWhileItsPredictorsAreOpen() {
        CompiledModel own = CompiledModel.of(model, 1);
        Predictor predictor = own.newPredictor();
        IllegalStateException e = assertThrows(IllegalStateException.class, own::close);
        assertTrue(e.getMessage().contains("1 predictor(s)"), e.getMessage());
        predictor.predictClass(Arrays.copyOf(images, size));
        predictor.close();
        predictor.close();
        assertThrows(IllegalStateException.class, () -> predictor.predictClass(Arrays.copyOf(images, size)));
        own.close();
        own.close();
        assertThrows(IllegalStateException.class, own::newPredictor);
    }

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        }
    }
}
