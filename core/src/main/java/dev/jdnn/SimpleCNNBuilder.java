package dev.jdnn;

import dev.jdnn.data.Preprocessing;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.Graph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.PoolMode;
import dev.jdnn.train.Adam;
import dev.jdnn.train.CrossEntropy;
import dev.jdnn.train.Initializer;
import dev.jdnn.train.Loss;
import dev.jdnn.train.Optimizer;
import java.util.List;

/**
 * Builds a {@link SimpleCNN}. Every seed parameter has a setter and the seed's default; {@link #build()}
 * checks the ranges (and, when {@link #inputShape} is given, that the flattened conv output matches the
 * first in-feature count).
 */
public final class SimpleCNNBuilder {
    private List<Integer> inChannels = List.of(1, 6);
    private List<Integer> inFeatures = List.of(96, 16);
    private int outChannels = 12;
    private int outFeatures = 10;
    private int filterSize = 3;
    private ActivationFunction activation = ActivationFunction.RELU;
    private Optimizer optimizer = new Adam(0.001);
    private Loss loss = new CrossEntropy();
    private Initializer initializer;
    private Padding padding = Padding.SAME;
    private int stride = 1;
    private int dilation = 1;
    private boolean residual = false;
    private Graph graph;
    private Path startFrom;
    private boolean batchNorm = true;
    private double momentum = 0.9;
    private boolean pooling = true;
    private int poolFilterSize = 2;
    private int poolStride = 2;
    private PoolMode poolMode = PoolMode.MAX;
    private boolean dropout = true;
    private double dropoutRate = 0.5;
    private int batchSize = 100;
    private int epochs = 100;
    private double learningRate = 0.001;
    private double validSize = 0.1;
    private double lambda = 0.0;
    private boolean earlyStopping = false;
    private int patience = 10;
    private boolean shuffle = true;
    private long seed = 0;
    private boolean verbose = false;
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private boolean progress = true;
    private long[] inputShape;
    private Preprocessing preprocessing = Preprocessing.DEFAULT;

    SimpleCNNBuilder() {}

    public SimpleCNNBuilder inChannels(List<Integer> v) { inChannels = v; return this; }
    public SimpleCNNBuilder inChannels(int v) { inChannels = List.of(v); return this; }
    public SimpleCNNBuilder inFeatures(List<Integer> v) { inFeatures = v; return this; }
    public SimpleCNNBuilder inFeatures(int v) { inFeatures = List.of(v); return this; }
    public SimpleCNNBuilder outChannels(int v) { outChannels = v; return this; }
    public SimpleCNNBuilder outFeatures(int v) { outFeatures = v; return this; }
    public SimpleCNNBuilder filterSize(int v) { filterSize = v; return this; }
    public SimpleCNNBuilder activation(ActivationFunction v) { activation = v; return this; }
    public SimpleCNNBuilder activation(String name) { activation = ActivationFunction.parse(name); return this; }
    /** The update rule; its learning rate is replaced by {@link #learningRate}. */
    public SimpleCNNBuilder optimizer(Optimizer v) { optimizer = v; return this; }
    public SimpleCNNBuilder optimizer(String name) { optimizer = Optimizer.byName(name, learningRate); return this; }
    public SimpleCNNBuilder loss(Loss v) { loss = v; return this; }
    public SimpleCNNBuilder loss(String name) { loss = Loss.byName(name); return this; }
    /** null is the seed's None: 0.01 * standard normal. */
    public SimpleCNNBuilder initializer(Initializer v) { initializer = v; return this; }
    public SimpleCNNBuilder initializer(String name) { initializer = Initializer.byName(name); return this; }
    public SimpleCNNBuilder padding(Padding v) { padding = v; return this; }
    public SimpleCNNBuilder padding(String name) { padding = Padding.of(name); return this; }
    public SimpleCNNBuilder stride(int v) { stride = v; return this; }
    /** Spacing of every convolution's filter taps (1: none); 'same' padding keeps the image size. */
    public SimpleCNNBuilder dilation(int v) { dilation = v; return this; }
    /**
     * A shortcut around each conv block's convolution and batch norm (a residual block): the identity where the
     * shapes match, else a strided 1x1 convolution (and batch norm); needs padding 'same' or filter size 1.
     */
    public SimpleCNNBuilder residual(boolean v) { residual = v; return this; }
    public SimpleCNNBuilder batchNorm(boolean v) { batchNorm = v; return this; }
    public SimpleCNNBuilder momentum(double v) { momentum = v; return this; }
    public SimpleCNNBuilder pooling(boolean v) { pooling = v; return this; }
    public SimpleCNNBuilder poolFilterSize(int v) { poolFilterSize = v; return this; }
    public SimpleCNNBuilder poolStride(int v) { poolStride = v; return this; }
    public SimpleCNNBuilder poolMode(PoolMode v) { poolMode = v; return this; }
    public SimpleCNNBuilder poolMode(String name) { poolMode = PoolMode.of(name); return this; }
    public SimpleCNNBuilder dropout(boolean v) { dropout = v; return this; }
    public SimpleCNNBuilder dropoutRate(double v) { dropoutRate = v; return this; }
    public SimpleCNNBuilder batchSize(int v) { batchSize = v; return this; }
    public SimpleCNNBuilder epochs(int v) { epochs = v; return this; }
    public SimpleCNNBuilder learningRate(double v) { learningRate = v; return this; }
    public SimpleCNNBuilder validSize(double v) { validSize = v; return this; }
    /** L2 strength (the seed's lambda_): adds lambda/2 * sum(w^2) to the loss and lambda * w to weight gradients. */
    public SimpleCNNBuilder lambda(double v) { lambda = v; return this; }
    public SimpleCNNBuilder earlyStopping(boolean v) { earlyStopping = v; return this; }
    public SimpleCNNBuilder patience(int v) { patience = v; return this; }
    public SimpleCNNBuilder shuffle(boolean v) { shuffle = v; return this; }
    public SimpleCNNBuilder seed(long v) { seed = v; return this; }
    public SimpleCNNBuilder verbose(boolean v) { verbose = v; return this; }
    /** OpenMP threads, 1 to {@link dev.jdnn.runtime.Threads#MAX}; run on at most the processors available. */
    public SimpleCNNBuilder threads(int v) { threads = v; return this; }
    public SimpleCNNBuilder progress(boolean v) { progress = v; return this; }
    /** The per-image shape [channels, height, width], to check the architecture at build time. */
    public SimpleCNNBuilder inputShape(long channels, long height, long width) {
        inputShape = new long[] {channels, height, width};
        return this;
    }

    /**
     * How images become the model's input when it predicts from images, stored with the model
     * ({@link Preprocessing#DEFAULT} unless set). Training takes its data as given: prepare it the same way.
     */
    public SimpleCNNBuilder preprocessing(Preprocessing v) { preprocessing = v; return this; }

    /**
     * Trains the network of a model file (jdnn's, or ONNX: {@link SimpleCNN#load}) from its weights: fine-tuning.
     * The file's graph replaces the seed's architecture as {@link #graph} does, and {@link SimpleCNN#fit} starts
     * from the file's weights (batch-norm statistics included) instead of initializing them; the other parameters
     * (optimizer, learning rate, epochs, ...) are this builder's. The file is read by {@link #build()}. Null: none.
     */
    public SimpleCNNBuilder startFrom(Path v) { startFrom = v; return this; }

    /**
     * A network to train in place of the seed's architecture, built with {@link dev.jdnn.layers.GraphBuilder}: the
     * architecture parameters (in_channels_list, in_features_list, out_channels, filter_size, padding, stride,
     * dilation, batch_norm, pooling, dropout, activation) then do not apply, out_features becomes the graph's output
     * size, and everything else (optimizer, loss, initializer, epochs, early stopping, checkpoints, model files,
     * compiled inference) works as for the seed's network. Null: the seed's network.
     *
     * @throws IllegalArgumentException if the graph does not end in a flat vector of outputs ([out_features])
     */
    public SimpleCNNBuilder graph(Graph v) {
        if (v != null && v.outputShape().length != 1) {
            throw new IllegalArgumentException("a model's graph must end in a flat vector of outputs [out_features], "
                    + "got " + java.util.Arrays.toString(v.outputShape()) + ": end it with a dense layer (after a"
                    + " flatten or global average pooling)");
        }
        graph = v;
        return this;
    }

    /**
     * Validates every parameter and returns an unfitted model.
     *
     * @throws IllegalArgumentException naming the parameter, its value and the allowed range if one is out of
     *     range; with {@link #inputShape}, also if the architecture or the preprocessing does not fit it
     */
    public SimpleCNN build() {
        if (startFrom != null) return buildFrom(startFrom);
        int outputs = graph == null ? outFeatures : Math.toIntExact(graph.outputShape()[0]);
        SimpleCNNConfig config = new SimpleCNNConfig(inChannels, inFeatures, outChannels, outputs, filterSize,
                activation, optimizer, loss, initializer, padding, stride, dilation, residual, batchNorm, momentum,
                pooling,
                poolFilterSize, poolStride, poolMode, dropout, dropoutRate, batchSize, epochs, learningRate,
                validSize, lambda, earlyStopping, patience, shuffle, seed, verbose, threads, progress);
        if (preprocessing == null) throw new IllegalArgumentException("preprocessing must be given, got null");
        if (inputShape != null) {
            Architecture.build(config, graph, inputShape);
            preprocessing.requireChannels(Math.toIntExact(inputShape[0]));
        }
        if (graph != null) preprocessing.requireChannels(Math.toIntExact(graph.inputShape()[0]));
        return new SimpleCNN(config, preprocessing, graph, null);
    }

    /** The model {@link #startFrom} names, as this builder's model with the file's graph and weights. */
    private SimpleCNN buildFrom(Path file) {
        Graph fileGraph;
        Map<String, float[]> weights;
        try (SimpleCNN source = SimpleCNN.load(file)) {
            fileGraph = source.network().graph();
            weights = StartWeights.of(source.network().parameters().parameters());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path from = startFrom;
        Graph given = graph;
        try {
            startFrom = null;
            graph(fileGraph);
            SimpleCNN model = build();
            return new SimpleCNN(model.config(), model.preprocessing(), fileGraph, weights);
        } finally {
            startFrom = from;
            graph = given;
        }
    }
}
