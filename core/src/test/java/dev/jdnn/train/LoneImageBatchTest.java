package dev.jdnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jdnn.data.Dataset;
import dev.jdnn.layers.BatchNorm1D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Sequential;
import java.io.PrintStream;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: the rule for a last batch of one image with batch norm holds for the {@link Trainer} used directly, not
 * only through SimpleCNN.fit (it failed mid-epoch there, in oneDNN's batch norm, after the earlier epochs' work).
 */
class LoneImageBatchTest {
    private static Dataset images(int count) {
        SplittableRandom random = new SplittableRandom(count);
        float[] pixels = new float[count * 4];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) random.nextGaussian();
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = i % 2;
        return Dataset.of(pixels, count, 1, 2, 2, labels, Dataset.numberedClasses(2));
    }

    /** Trains 3 epochs of batches of 10 on {@code count} images; counts the epochs validated in {@code epochs}. */
    private static History fit(Network network, int count, int[] epochs) {
        Updater updater = new Sgd(0.01).bind(network.parameters().trainableFloats(), network.arena());
        TrainingOptions options = new TrainingOptions(10, 3, 0, false, 1, true, false, false);
        Trainer trainer = new Trainer(network, new CrossEntropy(), updater, options, new SplittableRandom(1),
                new PrintStream(PrintStream.nullOutputStream()), (net, valid, loss, batch) -> {
                    epochs[0]++;
                    return new double[] {1, 0.5};
                });
        return trainer.fit(images(count), images(4));
    }

    private static Network denseBatchNorm() {
        return new Network(new Sequential(List.of(new Flatten(), new Dense(4, 3), new BatchNorm1D(3), new Dense(3, 2))),
                new long[] {1, 2, 2});
    }

    @Test
    void aLastBatchOfOneImageIsRefusedBeforeAnyEpoch() {
        try (Network network = denseBatchNorm()) {
            float[] before = network.parameters().values().toArray(ValueLayout.JAVA_FLOAT);
            int[] epochs = {0};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fit(network, 21, epochs));
            assertEquals("batch_size = 10 on 21 training images leaves a last batch of 1 image, and batch norm needs"
                    + " more than 1 value per channel to train: choose a batch_size that leaves 0 or at least 2 images"
                    + " over, or use another number of images", e.getMessage());
            assertEquals(0, epochs[0], "epochs run before the refusal");
            assertArrayEquals(before, network.parameters().values().toArray(ValueLayout.JAVA_FLOAT),
                    "the weights changed before the refusal");
        }
    }

    @Test
    void otherLastBatchesAndNetworksWithoutBatchNormTrain() {
        int[] epochs = {0};
        try (Network network = denseBatchNorm()) {
            assertEquals(3, fit(network, 22, epochs).epochsRun(), "a last batch of 2");
            assertEquals(3, fit(network, 20, epochs).epochsRun(), "no partial batch");
        }
        try (Network network = new Network(new Sequential(List.of(new Flatten(), new Dense(4, 2))), new long[] {1, 2, 2})) {
            assertEquals(3, fit(network, 21, epochs).epochsRun(), "no batch norm");
        }
        assertEquals(9, epochs[0]);
    }
}
