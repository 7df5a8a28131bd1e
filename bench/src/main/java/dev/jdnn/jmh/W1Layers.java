package dev.jdnn.jmh;

import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.Layer;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.PoolMode;
import dev.jdnn.layers.Pooling2D;
import java.util.List;

/**
 * W1's layers in network order, each with the FLOPs of its forward pass per image where they are defined
 * (convolutions and dense layers: 2 x multiply-adds; 0 for memory-bound layers).
 */
enum W1Layers {
    CONV1(new Convolution2D(1, 32, 3, 1, Padding.SAME), 2L * 32 * 28 * 28 * 1 * 3 * 3, false),
    BN1(new BatchNorm2D(32, 0.9, BatchNorm2D.DEFAULT_EPSILON), 0, true),
    RELU1(new Activation(ActivationFunction.RELU), 0, true),
    POOL1(new Pooling2D(2, 2, PoolMode.MAX, Padding.VALID), 0, true),
    CONV2(new Convolution2D(32, 64, 3, 1, Padding.SAME), 2L * 64 * 14 * 14 * 32 * 3 * 3, true),
    BN2(new BatchNorm2D(64, 0.9, BatchNorm2D.DEFAULT_EPSILON), 0, true),
    RELU2(new Activation(ActivationFunction.RELU), 0, true),
    POOL2(new Pooling2D(2, 2, PoolMode.MAX, Padding.VALID), 0, true),
    FLATTEN(new Flatten(), 0, true),
    DENSE1(new Dense(3136, 128), 2L * 3136 * 128, true);

    /** W1's input: one 28 x 28 grey image. */
    static final long[] INPUT = {1, 28, 28};

    final Layer layer;
    /** Forward FLOPs per image; backward does twice as many when it computes the input gradient, else as many. */
    final long forwardFlops;
    /** Whether W1's backward computes this layer's input gradient (all but the first layer's). */
    final boolean needGradInput;

    W1Layers(Layer layer, long forwardFlops, boolean needGradInput) {
        this.layer = layer;
        this.forwardFlops = forwardFlops;
        this.needGradInput = needGradInput;
    }

    /** The layers before this one, whose output is this one's input. */
    List<W1Layers> before() {
        return List.of(values()).subList(0, ordinal());
    }

    long backwardFlops() {
        return needGradInput ? 2 * forwardFlops : forwardFlops;
    }
}
