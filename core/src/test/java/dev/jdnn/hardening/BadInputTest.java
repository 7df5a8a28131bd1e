package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.Metric;
import dev.jdnn.SimpleCNN;
import dev.jdnn.SimpleCNNBuilder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.data.DataFormatException;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.IdxReader;
import dev.jdnn.data.ImageFiles;
import dev.jdnn.data.ImageFolderReader;
import dev.jdnn.io.ModelFormatException;
import dev.jdnn.train.History;
import dev.jdnn.train.OutOfRangeException;
import dev.jdnn.train.TrainingDivergedException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input matrix (issue 8): one row per bad call, each with the exact exception type it must raise and the
 * words its message must contain to name what is wrong. Calls on a model are followed by a valid call on the same
 * model, which must give bit-identical logits to those before the bad call: a refused call changes nothing.
 *
 * <p>Decision recorded here: a batch size larger than the data is allowed and clamped to the data's size (the
 * seed's estimator does the same), see {@link #aBatchLargerThanTheDataIsClampedAndTrains()}.
 */
class BadInputTest {
    private static final int CLASSES = 3;
    private static final int COUNT = 30;

    /** One refused call: what it must throw and the words its message must contain. */
    record Bad(Class<? extends Throwable> type, Call call, String... words) {}

    @FunctionalInterface
    interface Call {
        void on(SimpleCNN model) throws Exception;
    }

    @TempDir
    static Path folder;
    private static SimpleCNN fitted;
    private static float[][][][] images;
    private static int[] labels;
    private static Dataset valid;
    private static float[][] logitsBefore;
    /** The fitted model's file and its run's last checkpoint. */
    private static Path saved;
    private static Path checkpoint;

    /** 1 x 8 x 8 images: conv (4 channels, same) and 2 x 2 pooling give 4 x 4 x 4 = 64 features. */
    private static SimpleCNNBuilder small() {
        return SimpleCNN.builder().inChannels(1).inFeatures(List.of(64, 8)).outChannels(4).outFeatures(CLASSES)
                .epochs(1).batchSize(10).threads(1).seed(3).progress(false);
    }

    private static float[][][][] randomImages(int count, int channels, int height, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][][][] x = new float[count][channels][height][width];
        for (float[][][] image : x)
            for (float[][] plane : image)
                for (float[] row : plane)
                    for (int i = 0; i < row.length; i++) row[i] = (float) random.nextDouble();
        return x;
    }

    @BeforeAll
    static void fitOnce() throws IOException {
        images = randomImages(COUNT, 1, 8, 8, 1);
        labels = new int[COUNT];
        for (int i = 0; i < COUNT; i++) labels[i] = i % CLASSES;
        valid = Dataset.of(randomImages(7, 1, 8, 8, 2), new int[7], Dataset.numberedClasses(CLASSES));
        fitted = small().build().checkpointTo(folder.resolve("checkpoints"));
        fitted.fit(images, labels);
        fitted.checkpointTo(null);
        logitsBefore = fitted.predictRaw(valid);
        saved = folder.resolve("fitted.jdnn");
        fitted.save(saved);
        checkpoint = folder.resolve("checkpoints").resolve(SimpleCNN.LAST_CHECKPOINT);
    }

    @AfterAll
    static void close() {
        fitted.close();
    }

    private static float[][][][] with(float[][][][] x, int n, int c, int y, int column, float value) {
        float[][][][] copy = new float[x.length][][][];
        for (int i = 0; i < x.length; i++) {
            copy[i] = new float[x[i].length][][];
            for (int j = 0; j < x[i].length; j++) {
                copy[i][j] = new float[x[i][j].length][];
                for (int k = 0; k < x[i][j].length; k++) copy[i][j][k] = x[i][j][k].clone();
            }
        }
        copy[n][c][y][column] = value;
        return copy;
    }

    private static float[] flat(float[][][][] x) {
        List<Float> values = new ArrayList<>();
        for (float[][][] image : x) for (float[][] plane : image) for (float[] row : plane) for (float v : row) values.add(v);
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) array[i] = values.get(i);
        return array;
    }

    private static int[] labelsWith(int index, int value) {
        int[] copy = labels.clone();
        copy[index] = value;
        return copy;
    }

    private static float[][] oneHot() {
        float[][] rows = new float[COUNT][CLASSES];
        for (int i = 0; i < COUNT; i++) rows[i][labels[i]] = 1;
        return rows;
    }

    private static float[][] oneHotWith(int row, float... values) {
        float[][] rows = oneHot();
        rows[row] = values;
        return rows;
    }

    private static Named<Bad> row(String name, Class<? extends Throwable> type, Call call, String... words) {
        return Named.of(name, new Bad(type, call, words));
    }

    private static Named<Bad> builder(String name, Consumer<SimpleCNNBuilder> change, String... words) {
        return builder(name, IllegalArgumentException.class, change, words);
    }

    /** A numeric parameter out of its range: an {@link OutOfRangeException}. */
    private static Named<Bad> range(String name, Consumer<SimpleCNNBuilder> change, String... words) {
        return builder(name, OutOfRangeException.class, change, words);
    }

    private static Named<Bad> builder(String name, Class<? extends Throwable> type, Consumer<SimpleCNNBuilder> change,
                                      String... words) {
        return row(name, type, m -> {
            SimpleCNNBuilder b = small();
            change.accept(b);
            b.build().close();
        }, words);
    }

    static Stream<Named<Bad>> builderParameters() {
        return Stream.of(
                range("in_channels_list [0]", b -> b.inChannels(List.of(0)), "in_channels_list[0] = 0", "> 0"),
                range("in_channels_list [1, -2]", b -> b.inChannels(List.of(1, -2)), "in_channels_list[1] = -2", "> 0"),
                builder("in_channels_list []", b -> b.inChannels(List.of()), "in_channels_list", "at least one"),
                builder("in_channels_list null", b -> b.inChannels((List<Integer>) null), "in_channels_list", "null"),
                builder("in_channels_list [1, null]", b -> b.inChannels(Arrays.asList(1, null)), "in_channels_list[1]", "null"),
                range("in_channels_list -1", b -> b.inChannels(-1), "in_channels_list[0] = -1"),
                range("in_features_list [64, 0]", b -> b.inFeatures(List.of(64, 0)), "in_features_list[1] = 0", "> 0"),
                builder("in_features_list []", b -> b.inFeatures(List.of()), "in_features_list", "at least one"),
                builder("in_features_list [null]", b -> b.inFeatures(Arrays.asList((Integer) null)), "in_features_list[0]", "null"),
                range("out_channels 0", b -> b.outChannels(0), "out_channels = 0", "> 0"),
                range("out_channels -4", b -> b.outChannels(-4), "out_channels = -4", "> 0"),
                range("out_features 0", b -> b.outFeatures(0), "out_features = 0", "> 0"),
                range("filter_size 0", b -> b.filterSize(0), "filter_size = 0", "> 0"),
                range("filter_size -3", b -> b.filterSize(-3), "filter_size = -3", "> 0"),
                range("stride 0", b -> b.stride(0), "stride = 0", "> 0"),
                range("pool_filter_size 0", b -> b.poolFilterSize(0), "pool_filter_size = 0", "> 0"),
                range("pool_stride -1", b -> b.poolStride(-1), "pool_stride = -1", "> 0"),
                range("batch_size 0", b -> b.batchSize(0), "batch_size = 0", "> 0"),
                range("batch_size -10", b -> b.batchSize(-10), "batch_size = -10", "> 0"),
                range("n_epochs 0", b -> b.epochs(0), "n_epochs = 0", "> 0"),
                range("patience 0", b -> b.patience(0), "patience = 0", "> 0"),
                range("learning_rate 0", b -> b.learningRate(0), "learning_rate = 0.0", "1.4E-45 to 3.4028235E38"),
                range("learning_rate -0.1", b -> b.learningRate(-0.1), "learning_rate = -0.1", "1.4E-45 to 3.4028235E38"),
                range("learning_rate NaN", b -> b.learningRate(Double.NaN), "learning_rate = NaN", "1.4E-45 to 3.4028235E38"),
                range("learning_rate Infinity", b -> b.learningRate(Double.POSITIVE_INFINITY), "learning_rate = Infinity"),
                range("valid_size 0", b -> b.validSize(0), "valid_size = 0.0", "0 < valid_size < 1"),
                range("valid_size 1", b -> b.validSize(1), "valid_size = 1.0", "0 < valid_size < 1"),
                range("valid_size -0.2", b -> b.validSize(-0.2), "valid_size = -0.2", "0 < valid_size < 1"),
                range("valid_size NaN", b -> b.validSize(Double.NaN), "valid_size = NaN", "0 < valid_size < 1"),
                range("dropout_rate -0.1", b -> b.dropoutRate(-0.1), "dropout_rate = -0.1", "0 <= dropout_rate <= 1"),
                range("dropout_rate 1.5", b -> b.dropoutRate(1.5), "dropout_rate = 1.5", "0 <= dropout_rate <= 1"),
                range("dropout_rate NaN", b -> b.dropoutRate(Double.NaN), "dropout_rate = NaN"),
                range("dropout_rate 1 with dropout on", b -> b.dropout(true).dropoutRate(1), "dropout_rate = 1.0",
                        "< 1 when dropout is on"),
                range("momentum -0.1", b -> b.momentum(-0.1), "momentum = -0.1", "0 <= momentum <= 1"),
                range("momentum 1.1", b -> b.momentum(1.1), "momentum = 1.1", "0 <= momentum <= 1"),
                range("momentum NaN", b -> b.momentum(Double.NaN), "momentum = NaN", "0 <= momentum <= 1"),
                range("lambda -0.01", b -> b.lambda(-0.01), "lambda_ = -0.01", "0 to 3.4028235E38"),
                range("lambda NaN", b -> b.lambda(Double.NaN), "lambda_ = NaN", "0 to 3.4028235E38"),
                range("lambda Infinity", b -> b.lambda(Double.POSITIVE_INFINITY), "lambda_ = Infinity", "0 to 3.4028235E38"),
                range("threads 0", b -> b.threads(0), "threads = 0", "1..1024"),
                range("threads -2", b -> b.threads(-2), "threads = -2", "1..1024"),
                // 16,384 OpenMP threads crashed the JVM with SIGSEGV before this limit existed.
                range("threads 16384", b -> b.threads(16384), "threads = 16384", "1..1024"),
                // Issue 15: finite doubles that float32 arithmetic turns into an infinite or a zero value were accepted
                // (a learning rate of 1e300 trained to NaN, one of 1e-50 did not train at all).
                range("learning_rate 1e300", b -> b.learningRate(1e300), "learning_rate = 1.0E300", "1.4E-45 to 3.4028235E38"),
                range("learning_rate 1e-50", b -> b.learningRate(1e-50), "learning_rate = 1.0E-50", "1.4E-45 to 3.4028235E38"),
                range("learning_rate NaN before the optimizer's name", b -> b.learningRate(Double.NaN).optimizer("sgd"),
                        "learningRate = NaN", "1.4E-45 to 3.4028235E38"),
                range("lambda 1e300", b -> b.lambda(1e300), "lambda_ = 1.0E300", "0 to 3.4028235E38"),
                range("patience -1", b -> b.patience(-1), "patience = -1", "> 0"),
                builder("activation 'bogus'", b -> b.activation("bogus"), "unknown activation 'bogus'", "relu"),
                builder("optimizer 'bogus'", b -> b.optimizer("bogus"), "unknown optimizer 'bogus'", "adam"),
                builder("loss 'bogus'", b -> b.loss("bogus"), "unknown loss 'bogus'", "cross-entropy"),
                builder("initializer 'bogus'", b -> b.initializer("bogus"), "unknown initializer 'bogus'", "kaiming-normal"),
                builder("padding 'bogus'", b -> b.padding("bogus"), "padding", "'same' or 'valid'", "'bogus'"),
                builder("pool_mode 'bogus'", b -> b.poolMode("bogus"), "pool mode", "'max' or 'avg'", "'bogus'"),
                builder("pool_mode null", b -> b.poolMode((String) null), "pool mode", "'null'"),
                builder("activation null", b -> b.activation((dev.jdnn.layers.ActivationFunction) null), "activation", "null"),
                builder("input shape 1 x 16 x 16 for in_features 64", b -> b.inputShape(1, 16, 16),
                        "256 features", "in_features_list starts with 64"),
                builder("input shape with 3 channels for in_channels 1", b -> b.inputShape(3, 8, 8),
                        "in_channels_list starts with 1", "3 channels"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builderParameters")
    void aParameterOutOfRangeIsRefusedByName(Bad bad) {
        assertRefused(bad, null);
        assertDoesNotThrow(() -> small().build().close(), "the valid configuration builds");
    }

    /** Each range's ends, and the largest values an int allows where there is no upper end, still build. */
    static Stream<Named<Consumer<SimpleCNNBuilder>>> boundaryValues() {
        return Stream.of(
                Named.of("learning_rate float32's smallest", b -> b.learningRate(Float.MIN_VALUE)),
                Named.of("learning_rate float32's largest", b -> b.learningRate(Float.MAX_VALUE)),
                Named.of("learning_rate 1.4E-45 as printed", b -> b.learningRate(1.4e-45)),
                Named.of("learning_rate 3.4028235E38 as printed", b -> b.learningRate(3.4028235e38)),
                Named.of("lambda 0", b -> b.lambda(0)),
                Named.of("lambda float32's largest", b -> b.lambda(Float.MAX_VALUE)),
                Named.of("lambda 3.4028235E38 as printed", b -> b.lambda(3.4028235e38)),
                Named.of("threads 1", b -> b.threads(1)),
                Named.of("threads 1024", b -> b.threads(1024)),
                Named.of("batch_size 1", b -> b.batchSize(1)),
                Named.of("batch_size 2^31 - 1", b -> b.batchSize(Integer.MAX_VALUE)),
                Named.of("n_epochs 2^31 - 1", b -> b.epochs(Integer.MAX_VALUE)),
                Named.of("patience 1", b -> b.patience(1)),
                Named.of("valid_size just above 0", b -> b.validSize(Double.MIN_VALUE)),
                Named.of("valid_size just below 1", b -> b.validSize(Math.nextDown(1.0))),
                Named.of("dropout_rate 0", b -> b.dropoutRate(0)),
                Named.of("dropout_rate 1 with dropout off", b -> b.dropout(false).dropoutRate(1)),
                Named.of("momentum 0", b -> b.momentum(0)),
                Named.of("momentum 1", b -> b.momentum(1)),
                Named.of("seed -2^63", b -> b.seed(Long.MIN_VALUE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boundaryValues")
    void aParameterAtTheEndOfItsRangeBuilds(Consumer<SimpleCNNBuilder> change) {
        SimpleCNNBuilder builder = small();
        change.accept(builder);
        assertDoesNotThrow(() -> builder.build().close());
    }

    static Stream<Named<Bad>> badCallsOnAFittedModel() {
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        return Stream.of(
                row("fit: NaN pixel", iae, m -> m.fit(with(images, 3, 0, 2, 5, Float.NaN), labels),
                        "images[3][0][2][5] is NaN", "finite"),
                row("fit: +Infinity pixel", iae, m -> m.fit(with(images, 0, 0, 7, 7, Float.POSITIVE_INFINITY), labels),
                        "images[0][0][7][7] is Infinity", "finite"),
                row("fit flat: NaN pixel", iae, m -> m.fit(flat(with(images, 1, 0, 0, 2, Float.NaN)), new int[] {COUNT, 1, 8, 8}, labels),
                        "pixels[66]", "image 1", "NaN", "finite"),
                row("fit flat: -Infinity pixel", iae, m -> m.fit(flat(with(images, 2, 0, 1, 0, Float.NEGATIVE_INFINITY)),
                        new int[] {COUNT, 1, 8, 8}, labels), "pixels[136]", "-Infinity"),
                row("fit: negative label", iae, m -> m.fit(images, labelsWith(4, -1)), "labels[4] is -1", "0..2"),
                row("fit: label = out_features", iae, m -> m.fit(images, labelsWith(5, CLASSES)), "labels[5] is 3", "0..2"),
                row("fit: one-hot row with two ones", iae, m -> m.fit(images, oneHotWith(6, 1, 1, 0)), "row 6 is not one-hot"),
                row("fit: one-hot row of zeros", iae, m -> m.fit(images, oneHotWith(7, 0, 0, 0)), "row 7 is not one-hot"),
                row("fit: one-hot row with 0.5", iae, m -> m.fit(images, oneHotWith(8, 0.5f, 0.5f, 0)), "row 8 is not one-hot"),
                row("fit: one-hot row with NaN", iae, m -> m.fit(images, oneHotWith(9, 1, Float.NaN, 0)), "row 9 is not one-hot"),
                row("fit: one-hot row of 2 values for 3 classes", iae, m -> m.fit(images, oneHotWith(0, 1, 0)),
                        "one-hot row 0 has 2 values, expected 3"),
                row("fit: fewer one-hot rows than images", iae, m -> m.fit(images, Arrays.copyOf(oneHot(), COUNT - 1)),
                        "oneHot has 29 rows", "one per image: 30"),
                row("fit: fewer labels than images", iae, m -> m.fit(images, Arrays.copyOf(labels, COUNT - 1)),
                        "labels has 29 entries", "one per image: 30"),
                row("fit: more labels than images", iae, m -> m.fit(images, Arrays.copyOf(labels, COUNT + 1)),
                        "labels has 31 entries", "one per image: 30"),
                row("fit: no images", iae, m -> m.fit(new float[0][][][], new int[0]), "at least one image"),
                row("fit flat: no images", iae, m -> m.fit(new float[0], new int[] {0, 1, 8, 8}, new int[0]),
                        "at least 1", "0 x 1 x 8 x 8"),
                row("fit flat: shape of rank 3", iae, m -> m.fit(flat(images), new int[] {COUNT, 8, 8}, labels),
                        "shape must be [N, C, H, W]", "[30, 8, 8]"),
                row("fit flat: pixels do not fill the shape", iae, m -> m.fit(flat(images), new int[] {COUNT, 1, 8, 9}, labels),
                        "pixels has 1920 values", "30 x 1 x 8 x 9 = 2160"),
                row("fit: ragged images", iae, m -> m.fit(ragged(), labels), "images[5][0][3] has length 7, expected 8"),
                row("fit: 3 channels for in_channels 1", iae, m -> m.fit(randomImages(COUNT, 3, 8, 8, 4), labels),
                        "in_channels_list starts with 1", "3 channels"),
                row("fit: 16 x 16 images for in_features 64", iae, m -> m.fit(randomImages(COUNT, 1, 16, 16, 4), labels),
                        "256 features", "in_features_list starts with 64"),
                row("fit: 1 x 1 images", iae, m -> m.fit(randomImages(COUNT, 1, 1, 1, 4), labels),
                        "smaller than the window 2"),
                row("fit: data of 5 classes for out_features 3", iae,
                        m -> m.fit(Dataset.of(images, labels, Dataset.numberedClasses(5))), "5 classes", "out_features is 3"),
                row("fit: too few images to hold out valid_size", iae,
                        m -> m.fit(Dataset.of(Arrays.copyOf(images, 1), new int[1], Dataset.numberedClasses(CLASSES))),
                        "of 1 images leaves no training images"),
                row("fit: empty training view", iae, m -> m.fit(valid.head(0), valid), "the training set is empty"),
                row("fit: validation images of another shape", iae,
                        m -> m.fit(valid, Dataset.of(randomImages(3, 1, 8, 9, 5), new int[3], Dataset.numberedClasses(CLASSES))),
                        "validation images are [1, 8, 9]", "[1, 8, 8]"),
                // Issue 20: the last batch of one image failed in the dense batch norm, after the earlier epochs.
                row("fit: batch norm with a last batch of 1 image", iae, m -> {
                    try (SimpleCNN bn = small().batchNorm(true).epochs(3).build()) {
                        bn.fit(labelled(21), valid);
                    }
                }, "batch_size = 10 on 21 training images leaves a last batch of 1 image", "batch norm"),
                row("fit: null images", NullPointerException.class, m -> m.fit((float[][][][]) null, labels), "images"),
                row("fit: null labels", NullPointerException.class, m -> m.fit(images, (int[]) null), "labels"),
                row("fit: null data set", NullPointerException.class, m -> m.fit((Dataset) null), "data"),
                row("predict: NaN pixel", iae, m -> m.predict(with(images, 2, 0, 1, 1, Float.NaN)), "images[2][0][1][1] is NaN"),
                row("predict: -Infinity pixel", iae, m -> m.predict(with(images, 0, 0, 0, 0, Float.NEGATIVE_INFINITY)),
                        "images[0][0][0][0] is -Infinity"),
                row("predict: no images", iae, m -> m.predict(new float[0][][][]), "at least one image"),
                row("predict: an image without rows", iae, m -> m.predict(new float[1][1][0][]), "at least one image, channel, row"),
                row("predict: ragged images", iae, m -> m.predict(ragged()), "images[5][0][3] has length 7"),
                row("predict: 3 channels", iae, m -> m.predict(randomImages(2, 3, 8, 8, 6)),
                        "takes images of shape [1, 8, 8]", "got [3, 8, 8]"),
                row("predict: 8 x 9 images", iae, m -> m.predict(randomImages(2, 1, 8, 9, 6)), "[1, 8, 8]", "got [1, 8, 9]"),
                row("predict: null", NullPointerException.class, m -> m.predict((float[][][][]) null), "images"),
                row("predictProba: 16 x 16 data set", iae, m -> m.predictProba(Dataset.of(randomImages(2, 1, 16, 16, 6),
                        new int[2], Dataset.numberedClasses(1))), "[1, 8, 8]", "got [1, 16, 16]"),
                row("evaluate: 3-channel data set", iae, m -> m.evaluate(Dataset.of(randomImages(2, 3, 8, 8, 6),
                        new int[2], Dataset.numberedClasses(1))), "[1, 8, 8]", "got [3, 8, 8]"),
                row("score: 4 x 4 data set", iae, m -> m.score(Dataset.of(randomImages(2, 1, 4, 4, 6),
                        new int[2], Dataset.numberedClasses(1)), Metric.ACCURACY), "got [1, 4, 4]"),
                row("summary: 0 channels", iae, m -> m.summary(0, 8, 8), "at least one channel", "[0, 8, 8]"),
                row("summary: negative height", iae, m -> m.summary(1, -8, 8), "[1, -8, 8]"),
                row("resume: not loaded from a checkpoint", IllegalStateException.class, m -> m.resume(valid), "nothing to resume"),
                row("save: into a missing folder", NoSuchFileException.class,
                        m -> m.save(folder.resolve("missing").resolve("model.jdnn")), "missing"),
                row("save: onto a folder", FileSystemException.class, m -> m.save(Files.createDirectories(folder.resolve("a-folder"))),
                        "a-folder", "a folder"),
                row("checkpointTo: a file", FileAlreadyExistsException.class,
                        m -> m.checkpointTo(Files.writeString(folder.resolve("plain-file"), "x")), "plain-file"),
                row("load: a missing file", NoSuchFileException.class, m -> SimpleCNN.load(folder.resolve("nothing.jdnn")),
                        "nothing.jdnn", "no such model file"),
                row("load: a folder", FileSystemException.class, m -> SimpleCNN.load(Files.createDirectories(folder.resolve("dir.jdnn"))),
                        "dir.jdnn", "a folder"),
                // Before the architecture was checked against the tensors, this file made load allocate 51 GB.
                row("load: a config claiming 51 GB of parameters", ModelFormatException.class,
                        m -> SimpleCNN.load(forged("huge.jdnn", saved, h -> config(h).putArray("in_features_list").add(64).add(200_000_000))),
                        "huge.jdnn", "has shape [8, 64] but the architecture needs [200000000, 64]"),
                row("load: a config asking for 16384 threads", ModelFormatException.class,
                        m -> SimpleCNN.load(forged("threads.jdnn", saved, h -> config(h).put("threads", 16384))),
                        "threads.jdnn", "threads = 16384", "1..1024"),
                row("load: a checkpoint naming a batch of 2^31-1 images", ModelFormatException.class,
                        m -> SimpleCNN.load(forged("batch.jdnn", checkpoint, h -> ((ObjectNode) h.get("training"))
                                .putObject("dropout_steps").putArray(Integer.toString(Integer.MAX_VALUE)).add(1))),
                        "batch.jdnn", "dropout_steps key '2147483647'", "(1..10)"),
                row("load: a history without epochs", ModelFormatException.class,
                        m -> SimpleCNN.load(forged("history.jdnn", saved, h -> ((ObjectNode) h.get("history")).putArray("epochs"))),
                        "history.jdnn", "no epochs"),
                // Issue 20, class 6: 1 epoch of 24 training images in batches of 10 is 3 steps; Adam's t of 10^15 was
                // resumed into NaN weights.
                row("load: a checkpoint with more optimizer steps than its run has batches", ModelFormatException.class,
                        m -> SimpleCNN.load(forged("steps.jdnn", checkpoint, h -> ((ObjectNode) h.get("training"))
                                .put("optimizer_steps", 1_000_000_000_000_000L))),
                        "steps.jdnn", "'training.optimizer_steps' is 1000000000000000", "more than the 3 steps"),
                row("fit: data standardized to infinities (a subnormal std)", iae,
                        m -> m.fit(Dataset.of(images, labels, Dataset.numberedClasses(CLASSES))
                                .standardized(new float[] {0}, new float[] {Float.MIN_VALUE})),
                        "image 0, channel 0", "std 1.4E-45 is Infinity", "values must stay finite"),
                // Issue 20: a header of 2^31 - 101 bytes in a sparse file of that size ran the heap out.
                row("load: a header of 2^31 - 101 bytes", ModelFormatException.class,
                        m -> SimpleCNN.load(hugeHeader("huge-header.jdnn")), "huge-header.jdnn",
                        "a header of 2147483547 bytes, more than the 67108864 jdnn reads"),
                row("load from a stream: a header of 2^31 - 101 bytes", ModelFormatException.class,
                        m -> SimpleCNN.load(new java.io.SequenceInputStream(
                                new java.io.ByteArrayInputStream(hugeHeaderPrefix()), InputStream.nullInputStream())),
                        "a header of 2147483547 bytes, more than the 67108864 jdnn reads"),
                // Issue 20: decoding these ran the heap out (CLI: train --data on such a folder).
                row("ImageFolderReader: colour 4096 x 4096 PNGs that need more than twice the heap", DataFormatException.class,
                        m -> new ImageFolderReader().read(hugeImages()), "huge-images",
                        "values in all need", "more than the JVM's maximum heap of " + Runtime.getRuntime().maxMemory()),
                // Issue 20: each of these blocked for ever in open(2), waiting for a writer.
                row("load: a FIFO", ModelFormatException.class, m -> within(() -> SimpleCNN.load(fifo("model.fifo"))),
                        "model.fifo", "a FIFO (named pipe), not a regular file"),
                row("load: a character device", ModelFormatException.class, m -> SimpleCNN.load(Path.of("/dev/zero")),
                        "/dev/zero", "a character device, not a regular file"),
                row("IdxReader: a FIFO", DataFormatException.class, m -> within(() -> IdxReader.read(fifo("images.fifo"))),
                        "images.fifo", "a FIFO (named pipe), not a regular file"),
                row("IdxReader: a folder", DataFormatException.class,
                        m -> IdxReader.read(Files.createDirectories(folder.resolve("idx-folder"))), "idx-folder", "a folder"),
                row("ImageFiles: a FIFO", DataFormatException.class,
                        m -> within(() -> ImageFiles.read(List.of(fifo("image.png")), 1, 8, 8)),
                        "image.png", "a FIFO (named pipe), not a regular file"),
                row("ImageFolderReader: a FIFO in a class folder", DataFormatException.class,
                        m -> within(() -> new ImageFolderReader().read(fifoInClassFolder())), "b.png", "a FIFO"));
    }

    /** A model file's prefix claiming a header of 2^31 - 101 bytes. */
    private static byte[] hugeHeaderPrefix() {
        return ByteBuffer.allocate(ModelFileBytes.PREFIX).order(ByteOrder.LITTLE_ENDIAN)
                .put("JDNNMODL".getBytes(StandardCharsets.US_ASCII)).putInt(1).putLong(Integer.MAX_VALUE - 100L).array();
    }

    /** A sparse file as long as {@link #hugeHeaderPrefix()} claims, with room for the checksum. */
    private static Path hugeHeader(String name) throws IOException {
        Path file = folder.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(hugeHeaderPrefix());
            raf.setLength(ModelFileBytes.PREFIX + (Integer.MAX_VALUE - 100L) + ModelFileBytes.CHECKSUM + 8);
        }
        return file;
    }

    /** Enough black 4096 x 4096 colour PNGs (a few KB each) that their floats need more than twice the heap. */
    private static Path hugeImages() throws IOException {
        Path cat = Files.createDirectories(folder.resolve("huge-images").resolve("cat"));
        long imageBytes = 3L * 4096 * 4096 * Float.BYTES;
        long count = Runtime.getRuntime().maxMemory() / (2 * imageBytes) + 1;
        Path first = cat.resolve("0.png");
        ImageIO.write(new BufferedImage(4096, 4096, BufferedImage.TYPE_INT_RGB), "png", first.toFile());
        for (int i = 1; i < count; i++) Files.copy(first, cat.resolve(i + ".png"), StandardCopyOption.REPLACE_EXISTING);
        return folder.resolve("huge-images");
    }

    /** A FIFO that nothing writes to: opening it for reading blocks until a writer comes. */
    private static Path fifo(String name) throws IOException, InterruptedException {
        Path fifo = Files.createDirectories(folder.resolve("fifos")).resolve(name);
        Files.deleteIfExists(fifo);
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor(), "mkfifo " + fifo);
        return fifo;
    }

    private static Path fifoInClassFolder() throws IOException, InterruptedException {
        Path root = folder.resolve("fifo-images");
        Path cat = Files.createDirectories(root.resolve("cat"));
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "png", cat.resolve("a.png").toFile());
        Files.move(fifo("b.png"), cat.resolve("b.png"), StandardCopyOption.REPLACE_EXISTING);
        return root;
    }

    /** Runs a call that blocked for ever before its fix, failing after 10 s instead of hanging the build. */
    private static <T> T within(ThrowingSupplier<T> call) {
        return assertTimeoutPreemptively(Duration.ofSeconds(10), call, "blocked: the reader opened what it should refuse");
    }

    private static ObjectNode config(ObjectNode header) {
        return (ObjectNode) header.get("config");
    }

    /**
     * A copy of {@code original} as a version-1 file (the config alone describes the network) with its header edited
     * and a correct checksum, so that only the edit is wrong.
     */
    private static Path forged(String name, Path original, Consumer<ObjectNode> edit) throws IOException {
        return Files.write(folder.resolve(name), ModelFileBytes.editHeaderAsVersion1(Files.readAllBytes(original), edit));
    }

    private static float[][][][] ragged() {
        float[][][][] x = with(images, 0, 0, 0, 0, 0);
        x[5][0][3] = new float[7];
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCallsOnAFittedModel")
    void aBadCallOnAFittedModelIsRefusedAndChangesNothing(Bad bad) {
        assertRefused(bad, fitted);
        float[][] logitsAfter = fitted.predictRaw(valid);
        for (int i = 0; i < logitsBefore.length; i++) {
            assertArrayEquals(logitsBefore[i], logitsAfter[i], 0f, "logits of image " + i + " after the refused call");
        }
    }

    static Stream<Named<Bad>> badCallsOnAnUnfittedModel() {
        Class<IllegalStateException> ise = IllegalStateException.class;
        return Stream.of(
                row("predict", ise, m -> m.predict(images), "not fitted"),
                row("predictProba", ise, m -> m.predictProba(valid), "not fitted"),
                row("predictRaw", ise, m -> m.predictRaw(valid), "not fitted"),
                row("evaluate", ise, m -> m.evaluate(valid), "not fitted"),
                row("score", ise, m -> m.score(valid, Metric.ACCURACY), "not fitted"),
                row("save", ise, m -> m.save(folder.resolve("unfitted.jdnn")), "not fitted"),
                row("resume", ise, m -> m.resume(valid), "nothing to resume"),
                row("fit with a NaN pixel", IllegalArgumentException.class,
                        m -> m.fit(with(images, 0, 0, 0, 0, Float.NaN), labels), "images[0][0][0][0] is NaN"),
                row("fit with the wrong image size", IllegalArgumentException.class,
                        m -> m.fit(randomImages(COUNT, 1, 16, 16, 7), labels), "in_features_list starts with 64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCallsOnAnUnfittedModel")
    void aBadCallOnAnUnfittedModelIsRefusedAndFitStillWorks(Bad bad) {
        try (SimpleCNN model = small().build()) {
            assertRefused(bad, model);
            assertEquals(1, model.fit(images, labels).epochsRun());
            assertEquals(valid.count(), model.predict(valid).length);
        }
    }

    static Stream<Named<Bad>> callsOnAClosedModel() {
        Class<IllegalStateException> ise = IllegalStateException.class;
        return Stream.of(
                row("fit", ise, m -> m.fit(images, labels), "closed"),
                row("fit(train, valid)", ise, m -> m.fit(valid, valid), "closed"),
                row("predict", ise, m -> m.predict(images), "closed"),
                row("predictProba", ise, m -> m.predictProba(valid), "closed"),
                row("predictRaw", ise, m -> m.predictRaw(valid), "closed"),
                row("evaluate", ise, m -> m.evaluate(valid), "closed"),
                row("save", ise, m -> m.save(folder.resolve("closed.jdnn")), "closed"),
                row("resume", ise, m -> m.resume(valid), "closed"),
                row("network", ise, SimpleCNN::network, "closed"),
                row("summary (issue 20)", ise, m -> m.summary(1, 8, 8), "closed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callsOnAClosedModel")
    void aClosedModelRefusesEveryUseAndClosesAgainQuietly(Bad bad) {
        SimpleCNN model = small().build();
        model.fit(images, labels);
        model.close();
        assertRefused(bad, model);
        assertDoesNotThrow(model::close, "close() twice");
        assertRefused(bad, model);
    }

    /** 21 random 1 x 8 x 8 images with labels 0, 1, 2, 0, ... */
    private static Dataset labelled(int count) {
        int[] y = new int[count];
        for (int i = 0; i < count; i++) y[i] = i % CLASSES;
        return Dataset.of(randomImages(count, 1, 8, 8, 8), y, Dataset.numberedClasses(CLASSES));
    }

    /** The refusal above is only where a batch norm would see one value: 8 x 8 conv maps give 64 per image. */
    @Test
    void aLastBatchOfOneImageTrainsWhereBatchNormSeesMoreThanOneValue() {
        try (SimpleCNN model = small().batchNorm(true).inFeatures(List.of(64)).epochs(2).build()) {
            assertEquals(2, model.fit(labelled(21), valid).epochsRun());
        }
        try (SimpleCNN model = small().batchNorm(true).epochs(2).build()) {
            assertEquals(2, model.fit(labelled(22), valid).epochsRun(), "a last batch of 2");
        }
    }

    @Test
    void closeTwiceOnAnUnfittedModelIsQuiet() {
        SimpleCNN model = small().build();
        model.close();
        assertDoesNotThrow(model::close);
    }

    /**
     * Issue 20, class 6: training that diverges stops, naming the epoch and the batch or the weight. With SGD at a
     * rate of 10^38 the loss of batch 2 is NaN; at 10^30 it stays finite (ReLU and max pooling drop NaN) while
     * weights are NaN, which the check at the end of the epoch finds. Both trained on silently before.
     */
    @ParameterizedTest(name = "learning rate {0}")
    @CsvSource(delimiter = '|', value = {
            "1e38 | training diverged: the loss of epoch 1, batch 2 of 3 is NaN;",
            "1e30 | training diverged: after epoch 1 (3 batches) weight 9 of 704 is NaN;"})
    void trainingThatDivergesStopsNamingTheEpochAndTheBatch(double rate, String message) {
        try (SimpleCNN model = small().optimizer("sgd").learningRate(rate).epochs(3).build()) {
            TrainingDivergedException e = assertThrowsExactly(TrainingDivergedException.class, () -> model.fit(images, labels));
            assertTrue(e.getMessage().startsWith(message), e.getMessage());
        }
    }

    @Test
    void aBatchLargerThanTheDataIsClampedAndTrains() {
        try (SimpleCNN model = small().batchSize(1000).epochs(2).build()) {
            History history = model.fit(images, labels);
            assertEquals(2, history.epochsRun());
            assertTrue(Double.isFinite(history.last().trainLoss()), history.epochs().toString());
            assertEquals(COUNT, model.predict(images).length);
        }
    }

    private static void assertRefused(Bad bad, SimpleCNN model) {
        Throwable thrown = assertThrowsExactly(bad.type(), () -> bad.call().on(model));
        String message = String.valueOf(thrown.getMessage());
        for (String word : bad.words()) {
            assertTrue(message.contains(word), "the message should contain '" + word + "': " + message);
        }
    }
}
