package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Preprocessing;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.RandomNetworks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One predictor per thread, all sharing a compiled model: results bit-identical to sequential ones. */
class PredictorThreadsTest {
    private static final int THREADS = 16;
    private static final int CALLS = 2_000;
    private static final int IMAGES = 100;

    @Test
    void sixteenThreadsPredictBitIdenticallyToOneThread() throws Exception {
        float[] pixels = Models.testImages(IMAGES).toArray();
        try (SimpleCNN model = Models.fitted(Models.small(ActivationFunction.TANH, true, true));
             CompiledModel compiled = CompiledModel.of(model, 4)) {
            assertThreadsPredictLikeOne(compiled, pixels);
        }
    }

    /** The same on a residual graph, whose plans write fused additions and binary adds over their addends. */
    @Test
    void sixteenThreadsPredictAResidualGraphBitIdenticallyToOneThread() throws Exception {
        Random random = new Random(73);
        try (Network network = new Network(TestGraphs.SHARED_ADDEND_SECOND.graph())) {
            RandomNetworks.randomize(network, random);
            float[] pixels = RandomNetworks.images(random, IMAGES, TestGraphs.IMAGE);
            try (CompiledModel compiled = new CompiledModel(network, Preprocessing.DEFAULT, 4, Precision.F32,
                    CompiledModel.DEFAULT_LAYOUT, DenseImplementations.timed())) {
                assertThreadsPredictLikeOne(compiled, pixels);
            }
        }
    }

    /** Each image predicted on one thread, then again and again on THREADS threads at once: the same bits. */
    private static void assertThreadsPredictLikeOne(CompiledModel compiled, float[] pixels) throws Exception {
        int size = compiled.imageSize();
        int outputs = compiled.outputSize();
        float[][] sequential = new float[IMAGES][outputs];
        try (Predictor predictor = compiled.newPredictor()) {
            for (int i = 0; i < IMAGES; i++) {
                predictor.predict(Arrays.copyOfRange(pixels, i * size, (i + 1) * size), sequential[i]);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<float[][]>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t * 7;
                results.add(pool.submit(() -> predictMany(compiled, pixels, first)));
            }
            for (int t = 0; t < THREADS; t++) {
                float[][] concurrent = results.get(t).get();
                for (int c = 0; c < CALLS; c++) {
                    int image = (t * 7 + c) % IMAGES;
                    assertArrayEquals(sequential[image], concurrent[c],
                            "thread " + t + ", call " + c + " (image " + image + ")");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** CALLS batch-1 predictions on a predictor of this thread, starting at image {@code first}. */
    private static float[][] predictMany(CompiledModel compiled, float[] pixels, int first) {
        int size = compiled.imageSize();
        float[][] logits = new float[CALLS][compiled.outputSize()];
        float[] image = new float[size];
        try (Predictor predictor = compiled.newPredictor()) {
            for (int c = 0; c < CALLS; c++) {
                System.arraycopy(pixels, ((first + c) % IMAGES) * size, image, 0, size);
                predictor.predict(image, logits[c]);
            }
        }
        return logits;
    }
}
