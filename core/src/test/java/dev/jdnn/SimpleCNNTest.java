package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.train.History;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The seed's own example: in_channels [1, 6], in_features [96, 16], out_channels 12, out_features 10. */
class SimpleCNNTest {
    /** 8 x 16 crops (rows 10..17) of the embedded Fashion-MNIST subset: 12 * 2 * 4 = 96 features. */
    static Dataset crops(Dataset images) {
        int n = images.count();
        float[] pixels = new float[n * 8 * 16];
        for (int i = 0; i < n; i++)
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 16; x++) pixels[(i * 8 + y) * 16 + x] = images.pixel(i, 0, 10 + y, 6 + x);
        return Dataset.of(pixels, n, 1, 8, 16, images.labels(), images.classNames());
    }

    private static SimpleCNN seedExample(int epochs) {
        return SimpleCNN.builder().inChannels(java.util.List.of(1, 6)).inFeatures(java.util.List.of(96, 16))
                .outChannels(12).outFeatures(10).filterSize(3).epochs(epochs).batchSize(50).learningRate(0.003)
                .seed(0).threads(2).progress(false).build();
    }

    @Test
    void seedExampleLearnsCropsOfFashionMnistBeyondChance() {
        Datasets.TrainTest data = Datasets.embeddedDefault();
        try (SimpleCNN model = seedExample(3)) {
            History history = model.fit(crops(data.train()));
            assertEquals(3, history.epochsRun());
            assertTrue(history.last().trainLoss() < history.epochs().getFirst().trainLoss(), history.epochs().toString());
            double accuracy = model.score(crops(data.test()), Metric.ACCURACY);
            assertTrue(accuracy > 0.5, "test accuracy " + accuracy + " is not beyond chance (0.1) by a margin");
        }
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        Dataset train = crops(Datasets.embeddedDefault().train()).head(600);
        float[] first;
        try (SimpleCNN model = seedExample(1)) {
            model.fit(train);
            first = model.network().parameters().values().toArray(ValueLayout.JAVA_FLOAT);
        }
        try (SimpleCNN model = seedExample(1)) {
            model.fit(train);
            assertArrayEquals(first, model.network().parameters().values().toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void sixteenBySixteenInputsAreRejectedAtBuildTime() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimpleCNN.builder()
                .inChannels(java.util.List.of(1, 6)).inFeatures(java.util.List.of(96, 16)).outChannels(12)
                .inputShape(1, 16, 16).build());
        assertTrue(e.getMessage().contains("192") && e.getMessage().contains("96"), e.getMessage());
    }

    @Test
    void outOfRangeParametersNameParameterValueAndRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimpleCNN.builder().validSize(1.5).build());
        assertEquals("valid_size = 1.5 is out of range; allowed: 0 < valid_size < 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimpleCNN.builder().batchSize(0).build());
        assertEquals("batch_size = 0 is out of range; allowed: > 0", e.getMessage());
    }

    @Test
    void summaryListsBlocksShapesAndTotals() {
        String summary = seedExample(1).summary(1, 8, 16);
        assertTrue(summary.contains("[12, 2, 4]") && summary.contains("[96]") && summary.contains("[10]"), summary);
        // conv 1*6*9+6, bn 6+6, conv 6*12*9+12, bn 12+12, dense 96*16+16, bn 16+16, dense 16*10+10
        long expected = 60 + 12 + 660 + 24 + 1552 + 32 + 170;
        assertTrue(summary.contains("total: " + expected + " trainable parameters"), summary);
    }

    @Test
    void predictOnAnUnfittedOrClosedModelIsAClearError() {
        SimpleCNN model = seedExample(1);
        Dataset test = crops(Datasets.embeddedDefault().test()).head(10);
        assertThrows(IllegalStateException.class, () -> model.predict(test));
        model.close();
        model.close();
        assertThrows(IllegalStateException.class, () -> model.predict(test));
    }
}
