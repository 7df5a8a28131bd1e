package dev.jdnn;

import java.util.List;

/**
 * Workload W1's model (../shared/W1.md): ConvBlock2D(1->32) and ConvBlock2D(32->64), 3x3 'same' with
 * batch norm, ReLU and 2x2 max pooling; DenseBlock(3136->128) with batch norm, ReLU and dropout 0.5;
 * Dense(128->10). He-normal weights, Adam at 1e-3, batch 100, seed 0.
 */
public final class W1 {
    private W1() {}

    /** A builder preset to W1 for {@code epochs} epochs; change anything before building. */
    public static SimpleCNNBuilder model(int epochs) {
        return SimpleCNN.builder().inChannels(List.of(1, 32)).outChannels(64).inFeatures(List.of(3136, 128))
                .outFeatures(10).filterSize(3).padding("same").stride(1).batchNorm(true).momentum(0.9)
                .pooling(true).poolFilterSize(2).poolStride(2).poolMode("max").dropout(true).dropoutRate(0.5)
                .initializer("kaiming-normal").optimizer("adam").learningRate(1e-3).batchSize(100).epochs(epochs)
                .seed(0).inputShape(1, 28, 28);
    }
}
