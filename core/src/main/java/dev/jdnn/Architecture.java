package dev.jdnn;

import dev.jdnn.layers.Activation;
import dev.jdnn.layers.Add;
import dev.jdnn.layers.BatchNorm1D;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.ConvBlock2D;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.DenseBlock;
import dev.jdnn.layers.Dropout;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.Graph;
import dev.jdnn.layers.GraphBuilder;
import dev.jdnn.layers.Layer;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.Pooling2D;
import dev.jdnn.layers.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The seed's network for a configuration and an input shape:
 * ConvBlock2D per in-channel entry -> Flatten -> DenseBlock per consecutive pair of in-feature entries ->
 * Dense(last in-feature -> out_features). Nodes are named by their place in that nesting ({@code 0.0} is the first
 * block's convolution); with residual, each conv block also has {@code i.shortcut.0} and {@code i.shortcut.1} (a
 * projection, where the shapes differ) and {@code i.add} before its activation.
 */
final class Architecture {
    private Architecture() {}

    /** The blocks' labels in a summary, by the index of the block (the first part of its nodes' names). */
    static Map<String, String> blockLabels(SimpleCNNConfig c) {
        Map<String, String> labels = new HashMap<>();
        int convBlocks = c.inChannels().size();
        for (int i = 0; i < convBlocks; i++) labels.put(Integer.toString(i), "ConvBlock2D");
        for (int i = 0; i + 1 < c.inFeatures().size(); i++) labels.put(Integer.toString(convBlocks + 1 + i), "DenseBlock");
        return labels;
    }

    /**
     * The network a model trains for images of {@code inputShape}: {@code graph} when the model was given one (its
     * input shape must be the images'), else the seed's network of {@code c}.
     */
    static Graph build(SimpleCNNConfig c, Graph graph, long[] inputShape) {
        if (graph == null) return build(c, inputShape);
        if (!Arrays.equals(graph.inputShape(), inputShape)) {
            throw new IllegalArgumentException("the model's graph takes images of shape "
                    + Arrays.toString(graph.inputShape()) + ", got " + Arrays.toString(inputShape));
        }
        return graph;
    }

    static Graph build(SimpleCNNConfig c, long[] inputShape) {
        if (inputShape.length != 3) {
            throw new IllegalArgumentException("SimpleCNN takes images of shape [channels, height, width], got "
                    + Arrays.toString(inputShape));
        }
        if (Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("images must have at least one channel, row and column, got shape "
                    + Arrays.toString(inputShape));
        }
        if (inputShape[0] != c.inChannels().getFirst()) {
            throw new IllegalArgumentException("in_channels_list starts with " + c.inChannels().getFirst()
                    + " but the images have " + inputShape[0] + " channels");
        }
        SplittableRandom dropoutSeeds = new SplittableRandom(c.seed() ^ 0x5DEECE66DL);
        List<Layer> layers = new ArrayList<>();
        List<Integer> channels = c.inChannels();
        for (int i = 0; i < channels.size(); i++) {
            int out = i + 1 < channels.size() ? channels.get(i + 1) : c.outChannels();
            layers.add(new ConvBlock2D(
                    new Convolution2D(channels.get(i), out, c.filterSize(), c.stride(), c.padding(), c.dilation(), 1),
                    c.batchNorm() ? new BatchNorm2D(out, c.momentum(), BatchNorm2D.DEFAULT_EPSILON) : null,
                    new Activation(c.activation()),
                    c.pooling() ? new Pooling2D(c.poolFilterSize(), c.poolStride(), c.poolMode(), Padding.VALID) : null));
        }
        long[] convOutput = new Sequential(layers).outputShape(inputShape);
        long flattened = product(convOutput);
        if (flattened != c.inFeatures().getFirst()) {
            throw new IllegalArgumentException("the conv blocks give " + Arrays.toString(convOutput) + " = "
                    + flattened + " features for images of shape "
                    + Arrays.toString(inputShape) + ", but in_features_list starts with " + c.inFeatures().getFirst());
        }
        layers.add(new Flatten());
        List<Integer> features = c.inFeatures();
        for (int i = 0; i + 1 < features.size(); i++) {
            int out = features.get(i + 1);
            layers.add(new DenseBlock(new Dense(features.get(i), out),
                    c.batchNorm() ? new BatchNorm1D(out, c.momentum(), BatchNorm1D.DEFAULT_EPSILON) : null,
                    new Activation(c.activation()),
                    c.dropout() && c.dropoutRate() > 0 ? new Dropout(c.dropoutRate(), dropoutSeeds.nextLong()) : null));
        }
        layers.add(new Dense(features.getLast(), c.outFeatures()));
        Sequential network = new Sequential("SimpleCNN", layers);
        return c.residual() ? residual(network, c, inputShape) : Graph.chain(network, inputShape);
    }

    /**
     * {@code network}'s graph with a shortcut around each conv block's convolution and batch norm, added before the
     * activation; every other node is named as in {@link Graph#chain}.
     */
    private static Graph residual(Sequential network, SimpleCNNConfig c, long[] inputShape) {
        GraphBuilder b = new GraphBuilder(inputShape);
        GraphBuilder.Value x = b.input();
        for (int i = 0; i < network.layers().size(); i++) {
            String block = Integer.toString(i);
            Layer layer = network.layers().get(i);
            if (layer instanceof ConvBlock2D convBlock) {
                x = residualBlock(b, block, convBlock.layers(), x, c);
            } else if (layer instanceof Sequential sequential) {
                for (int k = 0; k < sequential.layers().size(); k++) {
                    x = b.apply(block + "." + k, sequential.layers().get(k), x);
                }
            } else {
                x = b.apply(block, layer, x);
            }
        }
        return b.build(x);
    }

    /**
     * activation(bn(conv(x)) + shortcut(x)), then the block's pooling. The shortcut is x where the shapes match, else
     * a 1x1 convolution with the block's stride (no bias before a batch norm) and a batch norm when the block has one;
     * the configuration's padding rule makes its output the size of the convolution's.
     */
    private static GraphBuilder.Value residualBlock(GraphBuilder b, String block, List<Layer> layers,
                                                    GraphBuilder.Value x, SimpleCNNConfig c) {
        Convolution2D convolution = (Convolution2D) layers.getFirst();
        GraphBuilder.Value y = b.apply(block + ".0", convolution, x);
        int next = 1;
        if (layers.get(next) instanceof BatchNorm2D norm) y = b.apply(block + "." + next++, norm, y);
        GraphBuilder.Value shortcut = x;
        if (!Arrays.equals(x.shape(), y.shape())) {
            Convolution2D projection = new Convolution2D(convolution.inChannels(), convolution.outChannels(), 1,
                    convolution.stride(), Padding.SAME);
            shortcut = b.apply(block + ".shortcut.0", c.batchNorm() ? projection.withoutBias() : projection, x);
            if (c.batchNorm()) {
                shortcut = b.apply(block + ".shortcut.1",
                        new BatchNorm2D(convolution.outChannels(), c.momentum(), BatchNorm2D.DEFAULT_EPSILON), shortcut);
            }
        }
        y = b.apply(block + ".add", new Add(), y, shortcut);
        for (; next < layers.size(); next++) y = b.apply(block + "." + next, layers.get(next), y);
        return y;
    }

    private static long product(long[] dims) {
        long n = 1;
        try {
            for (long d : dims) n = Math.multiplyExact(n, d);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("the conv blocks give " + Arrays.toString(dims)
                    + ", more features than a 64-bit count holds");
        }
        return n;
    }
}
