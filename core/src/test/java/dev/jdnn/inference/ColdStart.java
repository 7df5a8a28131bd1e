package dev.jdnn.inference;

import dev.jdnn.SimpleCNN;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Prints how long a fresh JVM takes from its start to the first prediction of a model loaded from a
 * file (argument 1; {@link InferenceTiming} with {@code -Dsave=file} writes W1's), and each phase's
 * share. Not a test: run it by hand, once per JVM.
 */
public final class ColdStart {
    private ColdStart() {}

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        try (SimpleCNN model = SimpleCNN.load(Path.of(args[0]))) {
            long loaded = System.nanoTime();
            try (CompiledModel compiled = CompiledModel.of(model, 256)) {
                long compiledAt = System.nanoTime();
                try (Predictor predictor = compiled.newPredictor()) {
                    long created = System.nanoTime();
                    int predicted = predictor.predictClass(new float[compiled.imageSize()]);
                    long first = System.nanoTime();
                    float[] image = new float[compiled.imageSize()];
                    predictor.predictClass(image);
                    long second = System.nanoTime();
                    predictor.predict(new float[2 * compiled.imageSize()], new float[2 * compiled.outputSize()]);
                    long pair = System.nanoTime();
                    long sinceStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
                    System.out.printf("JVM start to first prediction: about %d ms (class %d); load %.1f ms, compile %.1f ms,"
                            + " new predictor %.1f ms, first predict %.1f ms, second %.3f ms; first batch of 2 %.1f ms%n", sinceStart, predicted,
                            (loaded - t0) / 1e6, (compiledAt - loaded) / 1e6, (created - compiledAt) / 1e6,
                            (first - created) / 1e6, (second - first) / 1e6, (pair - second) / 1e6);
                }
            }
        }
    }
}
