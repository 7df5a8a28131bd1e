package dev.jdnn.bench;

import dev.jdnn.SimpleCNN;
import dev.jdnn.SimpleCNNBuilder;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import java.io.IOException;
import java.util.List;

/**
 * Workload W1 (shared/W1.md): the seed's SimpleCNN on Fashion-MNIST, the figures every engine is compared on.
 * The model and the splits are defined here once, for the {@code bench w1} command and the JMH suite alike.
 */
public final class W1 {
    /** Images in W1's training split: the first 54,000 of the 60,000 training images. */
    public static final int TRAIN_COUNT = 54_000;
    /** Images in W1's validation split: the last 6,000 training images. */
    public static final int VALID_COUNT = 6_000;
    /** W1's mini-batch size. */
    public static final int BATCH = 100;
    /** Training steps run before the timed epoch. */
    public static final int WARMUP_STEPS = 20;
    /** The timed training steps: one epoch of the training split. */
    public static final int TIMED_STEPS = TRAIN_COUNT / BATCH;
    /** Floats per image: 1 x 28 x 28. */
    public static final int IMAGE_FLOATS = 28 * 28;
    /** Outputs per image: the 10 class logits. */
    public static final int CLASSES = 10;

    /** W1's three splits. */
    public record Data(Dataset train, Dataset valid, Dataset test) {
        /** Fashion-MNIST from Debian's dataset-fashion-mnist, split as W1.md says. */
        public static Data load() throws IOException {
            Datasets.TrainTest sets = Datasets.fashionMnist();
            Dataset all = sets.train();
            if (all.count() != TRAIN_COUNT + VALID_COUNT) {
                throw new IllegalStateException("Fashion-MNIST should have " + (TRAIN_COUNT + VALID_COUNT)
                        + " training images, found " + all.count());
            }
            return new Data(all.head(TRAIN_COUNT), all.tail(VALID_COUNT), sets.test());
        }
    }

    private W1() {}

    /**
     * W1's model: two conv blocks (32 and 64 channels, 3x3 'same', batch norm with momentum 0.9, ReLU, 2x2 max
     * pooling), a dense block 3136 -> 128 with batch norm and dropout 0.5, and a dense layer to 10 logits;
     * Kaiming-normal weights, Adam with learning rate 1e-3, batch 100, seed 0. Progress output is off.
     */
    public static SimpleCNNBuilder model() {
        return SimpleCNN.builder().inChannels(List.of(1, 32)).outChannels(64).inFeatures(List.of(3136, 128))
                .outFeatures(CLASSES).filterSize(3).padding("same").batchNorm(true).momentum(0.9).pooling(true)
                .dropout(true).dropoutRate(0.5).initializer("kaiming-normal").optimizer("adam").learningRate(1e-3)
                .batchSize(BATCH).seed(0).progress(false);
    }

    /**
     * A W1 model with {@code threads} OpenMP threads whose network is built and initialized: fitted for one
     * epoch on the first batch of {@code data}, which is all a benchmark of the network's speed needs.
     * The caller closes it.
     */
    public static SimpleCNN initializedModel(Dataset data, int threads) {
        SimpleCNN model = model().threads(threads).epochs(1).build();
        try {
            model.fit(data.head(BATCH), data.head(BATCH));
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
