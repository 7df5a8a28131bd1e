package dev.jdnn;

import dev.jdnn.data.DataFormatException;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Preprocessing;
import dev.jdnn.io.ModelReader;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Graph;
import dev.jdnn.runtime.Prelinker;
import dev.jdnn.runtime.Threads;
import dev.jdnn.train.EpochStats;
import dev.jdnn.train.Evaluator;
import dev.jdnn.train.History;
import dev.jdnn.train.Inputs;
import dev.jdnn.train.LoneImageBatch;
import dev.jdnn.train.ParameterSync;
import dev.jdnn.train.SmallNormal;
import dev.jdnn.train.Trainer;
import dev.jdnn.train.Updater;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The seed's SimpleCNN estimator: ConvBlock2D... -> Flatten -> DenseBlock... -> Dense, trained on oneDNN.
 * <p>{@link #fit} holds out {@code validSize} of the data (shuffled with the seed), trains for
 * {@code epochs} epochs of mini-batches and records a {@link History}. With early stopping it stops after
 * {@code patience} epochs without a lower validation loss and <b>restores the weights of the best epoch</b>.
 * <p>Same seed, same data and same thread count give bit-identical weights; a different thread count may
 * change the order of floating-point sums in oneDNN and so the last bits.
 * <p>{@link #save} writes a model file and {@link #load} reads it back into a model that predicts bit-identically
 * (docs/FORMAT.md), from a file, a stream or a class-path resource ({@link #loadResource}). The file keeps the
 * model's {@link Preprocessing}, with which {@link #predictImage} prepares images as the model was trained. With {@link #checkpointTo} every epoch of a fit leaves a checkpoint; {@link #load} of a
 * checkpoint followed by {@link #resume} continues the run to the same weights as an uninterrupted one.
 * <p>A model owns native memory: close it when done (use after close is an IllegalStateException).
 * Not thread-safe; for concurrent serving compile a Predictor.
 */
public final class SimpleCNN implements AutoCloseable {
    /** The checkpoint that {@link #checkpointTo} rewrites after every epoch, in its folder. */
    public static final String LAST_CHECKPOINT = "last.jdnn";
    /** The checkpoint of the epoch with the lowest validation loss so far, in the same folder. */
    public static final String BEST_CHECKPOINT = "best.jdnn";

    private final SimpleCNNConfig config;
    private final Preprocessing preprocessing;
    /** The network to train instead of the seed's architecture, or null. */
    private final Graph graph;
    /** The weights {@link #fit} starts from instead of initializing them ({@link SimpleCNNBuilder#startFrom}), or null. */
    private final Map<String, float[]> startWeights;
    private Network network;
    private History history;
    private List<String> classNames;
    private PrintStream out = System.out;
    private Path checkpointFolder;
    private ParameterSync sync;
    private ResumeState resumeState;
    private boolean closed;

    SimpleCNN(SimpleCNNConfig config, Preprocessing preprocessing, Graph graph) {
        this(config, preprocessing, graph, null);
    }

    SimpleCNN(SimpleCNNConfig config, Preprocessing preprocessing, Graph graph, Map<String, float[]> startWeights) {
        this.config = config;
        this.preprocessing = preprocessing;
        this.graph = graph;
        this.startWeights = startWeights;
    }

    public static SimpleCNNBuilder builder() {
        return new SimpleCNNBuilder();
    }

    public SimpleCNNConfig config() {
        return config;
    }

    /** How {@link #predictImage} and {@link #predictImageProba} prepare images; saved and loaded with the model. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** Where progress and the per-batch log go (standard output by default). */
    public SimpleCNN progressTo(PrintStream stream) {
        this.out = stream;
        return this;
    }

    /**
     * Makes every later {@link #fit} or {@link #resume} write a checkpoint into {@code folder} after each epoch:
     * {@value #LAST_CHECKPOINT}, and {@value #BEST_CHECKPOINT} when the epoch has the lowest validation loss so far
     * (both also loadable as models). A checkpoint that cannot be written stops training with an UncheckedIOException.
     * {@code null} turns checkpoints off.
     *
     * @throws IOException if the folder does not exist and cannot be created
     */
    public SimpleCNN checkpointTo(Path folder) throws IOException {
        if (folder != null) Files.createDirectories(folder);
        this.checkpointFolder = folder;
        return this;
    }

    /**
     * Makes every later {@link #fit} or {@link #resume} one of several runs of data-parallel training, which agree their
     * weights, running statistics and optimizer state through {@code sync} (see {@link ParameterSync}); {@code null}
     * trains alone again. The runs must start from the same weights (the same seed does it) and take the same number of
     * steps per epoch.
     */
    public SimpleCNN synchronizeWith(ParameterSync sync) {
        this.sync = sync;
        return this;
    }

    /** Trains from scratch on {@code data} (validSize of it held out for validation, shuffled with the seed). */
    public History fit(Dataset data) {
        requireOpen();
        Objects.requireNonNull(data, "data");
        Dataset.Split split = data.split(config.validSize(), config.seed());
        return fit(split.train(), split.valid());
    }

    /** Trains from scratch on {@code train}, validating on {@code valid} after each epoch (as W1 does). */
    public History fit(Dataset train, Dataset valid) {
        requireOpen();
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(valid, "valid");
        if (valid.channels() != train.channels() || valid.height() != train.height() || valid.width() != train.width()) {
            throw new IllegalArgumentException("the validation images are " + shape(valid)
                    + " but the training images " + shape(train) + " (channels, height, width)");
        }
        for (Dataset data : List.of(train, valid)) {
            if (data.classCount() > config.outFeatures()) {
                throw new IllegalArgumentException("the data has " + data.classCount()
                        + " classes but out_features is " + config.outFeatures());
            }
        }
        if (train.count() == 0) throw new IllegalArgumentException("the training set is empty");
        preprocessing.requireChannels(train.channels());
        // Trainer.fit checks this too; here it comes before the network is rebuilt, so a fitted model stays as it was.
        long[] shape = {train.channels(), train.height(), train.width()};
        LoneImageBatch.require(Architecture.build(config, graph, shape), config.batchSize(), train.count());
        SplittableRandom random = new SplittableRandom(config.seed());
        rebuild(shape);
        RandomGenerator initializer = random.split(); // split either way, so the run's other draws stay the same
        if (startWeights != null) {
            StartWeights.copy(startWeights, network.parameters().parameters());
        } else {
            ParameterInit.apply(network.parameters().parameters(),
                    config.initializer() == null ? new SmallNormal() : config.initializer(), initializer);
        }
        classNames = train.classNames();
        resumeState = null;
        Threads.set(config.threads());
        var updater = config.optimizer().bind(network.parameters().trainableFloats(), network.arena());
        history = new Trainer(network, config.loss(), updater, config.trainingOptions(), random.split(), out)
                .synchronizeWith(sync).fit(train, valid, null, checkpointer(updater, train, valid));
        return history;
    }

    /**
     * Continues the run of the checkpoint this model was loaded from on the same data (split as {@link #fit(Dataset)}
     * splits it), up to the configured number of epochs.
     *
     * @throws IllegalStateException if the model was not loaded from a checkpoint, or was resumed already
     * @throws IllegalArgumentException if the data is not the data of the checkpointed run
     */
    public History resume(Dataset data) {
        requireOpen();
        Dataset.Split split = data.split(config.validSize(), config.seed());
        return resume(split.train(), split.valid());
    }

    /**
     * Continues the run of the checkpoint this model was loaded from, on the training and validation data of that
     * run; with the same thread count it ends with bit-identical weights to a run that was never interrupted.
     *
     * @throws IllegalStateException if the model was not loaded from a checkpoint, or was resumed already
     * @throws IllegalArgumentException if the data is not the data of the checkpointed run
     */
    public History resume(Dataset train, Dataset valid) {
        requireOpen();
        if (resumeState == null) {
            throw new IllegalStateException("nothing to resume: load a checkpoint (written by checkpointTo) first");
        }
        requireImageShape(train);
        resumeState.data().requireSame(DataFingerprint.of(train, valid));
        if (!train.classNames().equals(classNames)) {
            throw new IllegalArgumentException("the checkpoint's classes are " + classNames + ", the data's "
                    + train.classNames());
        }
        SplittableRandom random = new SplittableRandom(config.seed());
        random.split(); // the initializer's generator: the weights come from the checkpoint
        Threads.set(config.threads());
        var updater = config.optimizer().bind(network.parameters().trainableFloats(), network.arena());
        resumeState.restore(updater, config.optimizer().name());
        ResumeState from = resumeState;
        resumeState = null;
        history = new Trainer(network, config.loss(), updater, config.trainingOptions(), random.split(), out)
                .synchronizeWith(sync).fit(train, valid, from.training(), checkpointer(updater, train, valid));
        return history;
    }

    private Checkpointer checkpointer(Updater updater, Dataset train, Dataset valid) {
        return checkpointFolder == null ? null
                : new Checkpointer(checkpointFolder, this, updater, DataFingerprint.of(train, valid));
    }

    /**
     * Writes this fitted model to {@code file}: the configuration, the input shape, the class names, the history
     * and every parameter (batch-norm running statistics included), atomically (docs/FORMAT.md).
     *
     * @throws IllegalStateException if the model is not fitted
     * @throws IllegalArgumentException if its header (class names, history) would be longer than the 64 MiB a model
     *     file may hold, which a load would refuse; nothing is written then
     * @throws IOException if the file cannot be written; an existing file is then left as it was
     */
    public void save(Path file) throws IOException {
        fitted();
        ModelFiles.save(file, this);
    }

    /**
     * Reads a model file written by {@link #save}, or a checkpoint (then {@link #resume} can continue its run), or an
     * ONNX model (a file named {@code *.onnx}), imported into jdnn's graph with numbered classes and the default
     * preprocessing.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws dev.jdnn.io.ModelFormatException naming the problem if the file is damaged, of an unknown version,
     *     or does not describe a consistent SimpleCNN
     * @throws dev.jdnn.onnx.OnnxFormatException if an ONNX file is not a valid ONNX model
     * @throws dev.jdnn.onnx.OnnxImportException if an ONNX model uses an operator or attribute jdnn does not import
     */
    public static SimpleCNN load(Path file) throws IOException {
        Prelinker.startInBackground(); // a model is loaded to be run: get oneDNN ready while the file is read
        Path name = file.getFileName();
        if (name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) return OnnxModels.load(file);
        return ModelFiles.load(ModelReader.read(file));
    }

    /**
     * Reads a model file's bytes from {@code in}, as {@link #load(Path)} reads a file, up to the end of the model
     * (the stream is left open). Memory grows only as the stream delivers bytes, so a damaged or hostile stream
     * costs no more than it holds; a model read this way may have at most 2 GiB.
     *
     * @throws dev.jdnn.io.ModelFormatException naming the problem ("input stream: truncated ...") if the bytes
     *     are not a valid model file
     * @throws IOException if the stream cannot be read
     */
    public static SimpleCNN load(InputStream in) throws IOException {
        Objects.requireNonNull(in, "in");
        Prelinker.startInBackground();
        return ModelFiles.load(ModelReader.read(in, Path.of("input stream")));
    }

    /**
     * Reads a model file from the class path, as {@code anchor.getResourceAsStream(name)} finds it: {@code name}
     * relative to the anchor's package, or absolute with a leading '/'; in a named module, from the anchor's
     * module (pass a class of the module that holds the model).
     *
     * @throws java.nio.file.NoSuchFileException naming the resource if there is none
     * @throws dev.jdnn.io.ModelFormatException as {@link #load(InputStream)}, naming the resource
     */
    public static SimpleCNN loadResource(Class<?> anchor, String name) throws IOException {
        Objects.requireNonNull(anchor, "anchor");
        Objects.requireNonNull(name, "name");
        Prelinker.startInBackground();
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new NoSuchFileException(name, null, "no such model resource (looked up from " + anchor.getName()
                        + (name.startsWith("/") ? ")" : ", in its package)"));
            }
            return ModelFiles.load(ModelReader.read(in, Path.of(name)));
        }
    }

    /** Trains on images N x C x H x W with class indices. */
    public History fit(float[][][][] images, int[] labels) {
        return fit(Dataset.of(images, labels, Dataset.numberedClasses(config.outFeatures())));
    }

    /** Trains on images N x C x H x W with one-hot rows (each exactly one 1 and zeros elsewhere). */
    public History fit(float[][][][] images, float[][] oneHot) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(oneHot, "oneHot");
        if (oneHot.length != images.length) {
            throw new IllegalArgumentException("oneHot has " + oneHot.length + " rows, expected one per image: "
                    + images.length);
        }
        return fit(images, Labels.fromOneHot(oneHot, config.outFeatures()));
    }

    /** Trains on flat NCHW pixels of {@code shape = [N, C, H, W]} with class indices. */
    public History fit(float[] pixels, int[] shape, int[] labels) {
        Objects.requireNonNull(shape, "shape");
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

    /**
     * Class indices of images N x C x H x W.
     *
     * @throws IllegalArgumentException if there are no images, they are ragged, a value is not finite (naming its
     *     index) or their shape is not the model's
     */
    public int[] predict(float[][][][] images) {
        Objects.requireNonNull(images, "images");
        return predict(Dataset.of(images, new int[images.length], Dataset.numberedClasses(1)));
    }

    /**
     * The class of {@code image}, prepared by this model's {@link #preprocessing()}.
     *
     * @throws IllegalArgumentException if the model's input is not of 1 or 3 channels
     */
    public int predictImage(BufferedImage image) {
        int[] shape = imageShape();
        return Labels.argmax(logits(preprocessing.apply(image, shape[0], shape[1], shape[2])));
    }

    /**
     * The class of the PNG, JPEG or BMP image {@code encodedImage}, prepared by this model's {@link #preprocessing()}.
     *
     * @throws DataFormatException if the bytes are not such an image that decodes
     * @throws IllegalArgumentException if the model's input is not of 1 or 3 channels
     */
    public int predictImage(byte[] encodedImage) throws DataFormatException {
        int[] shape = imageShape();
        return Labels.argmax(logits(preprocessing.apply(encodedImage, shape[0], shape[1], shape[2])));
    }

    /** The softmax probability of each class for {@code image}; see {@link #predictImage(BufferedImage)}. */
    public float[] predictImageProba(BufferedImage image) {
        int[] shape = imageShape();
        float[] row = logits(preprocessing.apply(image, shape[0], shape[1], shape[2]));
        Labels.softmaxInPlace(row);
        return row;
    }

    /** The softmax probability of each class for an encoded image; see {@link #predictImage(byte[])}. */
    public float[] predictImageProba(byte[] encodedImage) throws DataFormatException {
        int[] shape = imageShape();
        float[] row = logits(preprocessing.apply(encodedImage, shape[0], shape[1], shape[2]));
        Labels.softmaxInPlace(row);
        return row;
    }

    /** [channels, height, width] of the fitted network's input. */
    private int[] imageShape() {
        long[] shape = fitted().inputShape();
        return new int[] {(int) shape[0], (int) shape[1], (int) shape[2]};
    }

    /** The logits of one prepared image. */
    private float[] logits(float[] input) {
        int[] shape = imageShape();
        return predictRaw(Dataset.of(input, 1, shape[0], shape[1], shape[2], new int[1], Dataset.numberedClasses(1)))[0];
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

    /**
     * Each layer/block with its output shape and parameter counts, and the totals, for this input shape.
     *
     * @throws IllegalStateException after {@link #close()}, like every other use
     */
    public String summary(long channels, long height, long width) {
        requireOpen();
        return Summary.of(Architecture.build(config, graph, new long[] {channels, height, width}),
                graph == null ? Architecture.blockLabels(config) : Map.of());
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

    /**
     * Replaces the network by a fresh one for {@code inputShape}. The architecture is checked first, so data of the
     * wrong shape leaves a fitted model as it was; the old network is freed before the new one is allocated.
     */
    void rebuild(long[] inputShape) {
        Graph architecture = Architecture.build(config, graph, inputShape);
        if (network != null) network.close();
        network = null;
        network = new Network(architecture);
    }

    /** What {@link #load} restores besides the network. */
    void restore(List<String> names, History history, ResumeState resume) {
        this.classNames = List.copyOf(names);
        this.history = history;
        this.resumeState = resume;
    }

    private Network fitted() {
        requireOpen();
        if (network == null) throw new IllegalStateException("this SimpleCNN is not fitted: call fit (or load) first");
        return network;
    }

    private void requireImageShape(Dataset data) {
        long[] expected = network.inputShape();
        if (!Arrays.equals(expected, new long[] {data.channels(), data.height(), data.width()})) {
            throw new IllegalArgumentException("this model takes images of shape " + Arrays.toString(expected)
                    + ", got " + shape(data));
        }
    }

    private static String shape(Dataset data) {
        return Arrays.toString(new int[] {data.channels(), data.height(), data.width()});
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
