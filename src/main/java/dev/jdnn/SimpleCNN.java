package dev.jdnn;

import dev.jdnn.data.Dataset;
import dev.jdnn.layers.Network;
import dev.jdnn.runtime.Threads;
import dev.jdnn.train.EpochStats;
import dev.jdnn.train.Evaluator;
import dev.jdnn.train.History;
import dev.jdnn.train.Inputs;
import dev.jdnn.train.SmallNormal;
import dev.jdnn.train.Trainer;
import java.io.PrintStream;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seed's SimpleCNN estimator: ConvBlock2D... -> Flatten -> DenseBlock... -> Dense, trained on oneDNN.
 * <p>{@link #fit} holds out {@code validSize} of the data (shuffled with the seed), trains for
 * {@code epochs} epochs of mini-batches and records a {@link History}. With early stopping it stops after
 * {@code patience} epochs without a lower validation loss and <b>restores the weights of the best epoch</b>.
 * <p>Same seed, same data and same thread count give bit-identical weights; a different thread count may
 * change the order of floating-point sums in oneDNN and so the last bits.
 * <p>A model owns native memory: close it when done (use after close is an IllegalStateException).
 * Not thread-safe; for concurrent serving compile a Predictor.
 */
public final class SimpleCNN implements AutoCloseable {
    private final SimpleCNNConfig config;
    private Network network;
    private History history;
    private List<String> classNames;
    private PrintStream out = System.out;
    private boolean closed;

    SimpleCNN(SimpleCNNConfig config) {
        this.config = config;
    }

    public static SimpleCNNBuilder builder() {
        return new SimpleCNNBuilder();
    }

    public SimpleCNNConfig config() {
        return config;
    }

    /** Where progress and the per-batch log go (standard output by default). */
    public SimpleCNN progressTo(PrintStream stream) {
        this.out = stream;
        return this;
    }

    /** Trains from scratch on {@code data} (validSize of it held out for validation, shuffled with the seed). */
    public History fit(Dataset data) {
        requireOpen();
        Dataset.Split split = data.split(config.validSize(), config.seed());
        return fit(split.train(), split.valid());
    }

    /** Trains from scratch on {@code train}, validating on {@code valid} after each epoch (as W1 does). */
    public History fit(Dataset train, Dataset valid) {
        requireOpen();
        for (Dataset data : List.of(train, valid)) {
            if (data.classCount() > config.outFeatures()) {
                throw new IllegalArgumentException("the data has " + data.classCount()
                        + " classes but out_features is " + config.outFeatures());
            }
        }
        if (train.count() == 0) throw new IllegalArgumentException("the training set is empty");
        SplittableRandom random = new SplittableRandom(config.seed());
        rebuild(new long[] {train.channels(), train.height(), train.width()});
        ParameterInit.apply(network.parameters().parameters(),
                config.initializer() == null ? new SmallNormal() : config.initializer(), random.split());
        classNames = train.classNames();
        Threads.set(config.threads());
        var updater = config.optimizer().bind(network.parameters().trainableFloats(), network.arena());
        history = new Trainer(network, config.loss(), updater, config.trainingOptions(), random.split(), out)
                .fit(train, valid);
        return history;
    }

    /** Trains on images N x C x H x W with class indices. */
    public History fit(float[][][][] images, int[] labels) {
        return fit(Dataset.of(images, labels, Dataset.numberedClasses(config.outFeatures())));
    }

    /** Trains on images N x C x H x W with one-hot rows (each exactly one 1 and zeros elsewhere). */
    public History fit(float[][][][] images, float[][] oneHot) {
        return fit(images, Labels.fromOneHot(oneHot, config.outFeatures()));
    }

    /** Trains on flat NCHW pixels of {@code shape = [N, C, H, W]} with class indices. */
    public History fit(float[] pixels, int[] shape, int[] labels) {
        requireShape(shape);
        return fit(Dataset.of(pixels, shape[0], shape[1], shape[2], shape[3], labels,
                Dataset.numberedClasses(config.outFeatures())));
    }

    /** Class indices: the argmax of the logits of each image. */
    public int[] predict(Dataset data) {
        float[][] raw = predictRaw(data);
        int[] classes = new int[raw.length];
        for (int i = 0; i < raw.length; i++) classes[i] = Labels.argmax(raw[i]);
        return classes;
    }

    public int[] predict(float[][][][] images) {
        return predict(Dataset.of(images, new int[images.length], Dataset.numberedClasses(1)));
    }

    /** Softmax probabilities of each class. */
    public float[][] predictProba(Dataset data) {
        float[][] raw = predictRaw(data);
        for (float[] row : raw) Labels.softmaxInPlace(row);
        return raw;
    }

    /** The raw outputs (logits for classification). */
    public float[][] predictRaw(Dataset data) {
        Network net = fitted();
        requireImageShape(data);
        float[][] result = new float[data.count()][];
        Threads.set(config.threads());
        Evaluator.run(net, Inputs.of(data), config.batchSize(), (from, n, outputs, width) -> {
            for (int i = 0; i < n; i++) {
                result[from + i] = outputs.asSlice((long) i * width * Float.BYTES, (long) width * Float.BYTES)
                        .toArray(ValueLayout.JAVA_FLOAT);
            }
        });
        return result;
    }

    /** Evaluates {@code metric} on labelled data. */
    public double score(Dataset data, Metric metric) {
        return evaluate(data).get(metric);
    }

    /** Every metric at once, with the confusion matrix. */
    public Evaluation evaluate(Dataset data) {
        return Evaluation.of(predict(data), data.labels(), Math.max(config.outFeatures(), data.classCount()));
    }

    /** The history of the last fit, or null before any. */
    public History history() {
        return history;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Each layer/block with its output shape and parameter counts, and the totals, for this input shape. */
    public String summary(long channels, long height, long width) {
        return Summary.of(Architecture.build(config, new long[] {channels, height, width}),
                new long[] {channels, height, width});
    }

    /** The network the model trains and predicts with (null before fit or load). */
    public Network network() {
        requireOpen();
        return network;
    }

    /** The last epoch's figures, for reports. */
    public EpochStats lastEpoch() {
        return history == null ? null : history.last();
    }

    void rebuild(long[] inputShape) {
        if (network != null) network.close();
        network = new Network(Architecture.build(config, inputShape), inputShape);
    }

    void restoreClassNames(List<String> names) {
        this.classNames = List.copyOf(names);
    }

    private Network fitted() {
        requireOpen();
        if (network == null) throw new IllegalStateException("this SimpleCNN is not fitted: call fit (or load) first");
        return network;
    }

    private void requireImageShape(Dataset data) {
        long[] expected = network.inputShape();
        long[] actual = {data.channels(), data.height(), data.width()};
        if (!Arrays.equals(expected, actual)) {
            throw new IllegalArgumentException("this model takes images of shape " + Arrays.toString(expected)
                    + ", got " + Arrays.toString(actual));
        }
    }

    private static void requireShape(int[] shape) {
        if (shape.length != 4) {
            throw new IllegalArgumentException("shape must be [N, C, H, W], got " + Arrays.toString(shape));
        }
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("this SimpleCNN is closed");
    }

    /** Frees the model's native memory; calling it again does nothing. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (network != null) network.close();
    }
}
