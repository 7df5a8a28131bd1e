package dev.jdnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.data.Dataset;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Sequential;
import java.io.PrintStream;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    @Test
    void stopsAfterPatienceEpochsWithoutImprovement() {
        EarlyStopping stopping = new EarlyStopping(3);
        double[] losses = {1.0, 0.8, 0.9, 0.85, 0.95};
        int stoppedAt = -1;
        for (int i = 0; i < losses.length; i++) {
            stopping.record(losses[i]);
            if (stopping.shouldStop()) {
                stoppedAt = i + 1;
                break;
            }
        }
        assertEquals(5, stoppedAt, "best at epoch 2, then 3 epochs without a lower loss");
        assertEquals(0.8, stopping.best());
    }

    @Test
    void trainerStopsAtTheRightEpochAndRestoresTheBestWeights() {
        double[] scripted = {0.9, 0.5, 0.7, 0.6, 0.8, 0.4, 0.3};
        List<float[]> weightsAtEpochEnd = new ArrayList<>();
        Sequential model = new Sequential(List.of(new Flatten(), new Dense(4, 3)));
        float[] pixels = new float[40];
        int[] labels = new int[10];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) random.nextGaussian();
        for (int i = 0; i < labels.length; i++) labels[i] = i % 3;
        Dataset data = Dataset.of(pixels, 10, 1, 2, 2, labels, Dataset.numberedClasses(3));
        try (Network network = new Network(model, new long[] {1, 2, 2})) {
            Updater updater = new Adam(0.05).bind(network.parameters().trainableFloats(), network.arena());
            TrainingOptions options = new TrainingOptions(5, scripted.length, 0, true, 3, true, false, false);
            Trainer trainer = new Trainer(network, new CrossEntropy(), updater, options, new SplittableRandom(1),
                    new PrintStream(PrintStream.nullOutputStream()), (net, valid, loss, batch) -> {
                        weightsAtEpochEnd.add(net.parameters().values().toArray(ValueLayout.JAVA_FLOAT));
                        return new double[] {scripted[weightsAtEpochEnd.size() - 1], 0.5};
                    });
            History history = trainer.fit(data, data);
            assertEquals(5, history.epochsRun(), "losses 0.9, 0.5, 0.7, 0.6, 0.8: best at 2, stop after 5");
            assertTrue(history.stoppedEarly());
            assertEquals(2, history.bestEpoch());
            assertFalse(java.util.Arrays.equals(weightsAtEpochEnd.get(1), weightsAtEpochEnd.get(4)));
            assertArrayEquals(weightsAtEpochEnd.get(1), network.parameters().values().toArray(ValueLayout.JAVA_FLOAT),
                    "the weights of epoch 2 are restored");
        }
    }
}
