package dev.jdnn.hardening;

import static dev.jdnn.hardening.Refusals.row;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.SimpleCNN;
import dev.jdnn.SimpleCNNBuilder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.ImageFiles;
import dev.jdnn.data.ImageFolderReader;
import dev.jdnn.data.Preprocessing;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import dev.jdnn.layers.BatchNorm1D;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.LayerPlan;
import dev.jdnn.layers.Mode;
import dev.jdnn.layers.NativeLimits;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.PlanContext;
import dev.jdnn.layers.PoolMode;
import dev.jdnn.layers.Pooling2D;
import dev.jdnn.layers.Graph;
import dev.jdnn.layers.Layer;
import dev.jdnn.layers.Sequential;
import dev.jdnn.runtime.CountingArena;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.Stream;
import dev.jdnn.tensor.Tensor;
import dev.jdnn.train.OutOfRangeException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8, native safety, for the model-level API: layers, Network, SimpleCNN, CompiledModel and Predictor called
 * with hostile sizes (0, negative, 2^31 - 1, 2^63 - 1, sizes whose product overflows, lengths that do not match).
 * Each row raises exactly its exception type with the words it names; after it, a fitted model and a predictor
 * still give bit-identical logits, and the native bytes held (CountingArena.liveBytes) are what they were: a
 * refused call frees what it allocated. The runtime wrappers have their own matrix, {@link NativeWrapperSizeTest}.
 * <p>Rows marked "was ..." failed before the fix with the error named.
 */
class HostileSizeTest {
    private static final int CLASSES = 3;
    /** A 1 x 8 x 8 image: 64 floats. */
    private static final int IMAGE = 64;
    private static final int MAX_BATCH = 4;

    private static SimpleCNN fitted;
    private static CompiledModel compiled;
    private static Predictor predictor;
    private static Predictor split;
    private static Dataset valid;
    private static float[] twoImages;
    private static float[] logitsBefore;
    private static float[] splitLogitsBefore;
    private static float[][] rawBefore;
    private static Arena arena;
    private static Network convNet;
    private static PlanContext context;
    private static long liveBefore;

    /** 1 x 8 x 8 images: conv (4 channels, same) and 2 x 2 pooling give 4 x 4 x 4 = 64 features. */
    private static SimpleCNNBuilder small() {
        return SimpleCNN.builder().inChannels(1).inFeatures(List.of(64, 8)).outChannels(4).outFeatures(CLASSES)
                .epochs(1).batchSize(10).threads(1).seed(3).progress(false);
    }

    private static float[] randomPixels(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] pixels = new float[count * IMAGE];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) random.nextDouble();
        return pixels;
    }

    @BeforeAll
    static void fitAndCompile() {
        int[] labels = new int[30];
        for (int i = 0; i < labels.length; i++) labels[i] = i % CLASSES;
        fitted = small().build();
        fitted.fit(randomPixels(30, 1), new int[] {30, 1, 8, 8}, labels);
        valid = Dataset.of(randomPixels(5, 2), 5, 1, 8, 8, new int[5], Dataset.numberedClasses(CLASSES));
        compiled = CompiledModel.of(fitted, MAX_BATCH);
        predictor = compiled.newPredictor();
        split = compiled.newPredictor(2);
        twoImages = randomPixels(2, 3);
        arena = Arena.ofShared();
        convNet = new Network(new Convolution2D(1, 4, 3, 1, Padding.SAME), new long[] {1, 8, 8});
        context = new PlanContext(arena, Engine.cpu(), new Stream(Engine.cpu(), arena));
        logitsBefore = predictTwo(predictor);
        splitLogitsBefore = predictTwo(split);
        rawBefore = fitted.predictRaw(valid);
        liveBefore = CountingArena.liveBytes();
    }

    @AfterAll
    static void close() {
        predictor.close();
        split.close();
        compiled.close();
        fitted.close();
        convNet.close();
        arena.close();
    }

    private static float[] predictTwo(Predictor p) {
        float[] logits = new float[2 * CLASSES];
        p.predict(twoImages, logits);
        return logits;
    }

    /** The conv layer of {@link #convNet}, planned for {@code input} with {@code parameters}. */
    private static LayerPlan planConv(Tensor input, Mode mode, List<dev.jdnn.layers.Parameter> parameters) {
        return ((Layer) convNet.graph().node(0).op()).plan(context, input, mode, parameters, true);
    }

    private static Tensor images(long batch, long channels) {
        return Tensor.plain(arena, DataType.F32, batch, channels, 8, 8);
    }

    static java.util.stream.Stream<Named<Refusals.Row>> hostileCalls() {
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        long twoTo20 = 1L << 20;
        // 2^16 four times multiplies to 2^64, which a long wraps to 0; the arrays are shared, so this is tiny.
        float[][][][] wrapping = new float[1 << 16][][][];
        java.util.Arrays.fill(wrapping, new float[1 << 16][][]);
        java.util.Arrays.fill(wrapping[0], new float[1 << 16][]);
        java.util.Arrays.fill(wrapping[0][0], new float[1 << 16]);
        return java.util.stream.Stream.of(
                row("Convolution2D: 0 input channels", iae, () -> new Convolution2D(0, 4, 3, 1, Padding.SAME),
                        "inChannels must be > 0, got 0"),
                row("Convolution2D: -4 output channels", iae, () -> new Convolution2D(1, -4, 3, 1, Padding.SAME),
                        "outChannels must be > 0, got -4"),
                row("Convolution2D: filter 0", iae, () -> new Convolution2D(1, 4, 0, 1, Padding.SAME),
                        "filterSize must be > 0, got 0"),
                row("Convolution2D: stride -2^63", iae, () -> new Convolution2D(1, 4, 3, Long.MIN_VALUE, Padding.SAME),
                        "stride must be > 0, got -9223372036854775808"),
                row("Convolution2D: a 9 x 9 'valid' window on 8 x 8", iae,
                        () -> new Convolution2D(1, 4, 9, 1, Padding.VALID).outputShape(new long[] {1, 8, 8}),
                        "input length 8 is smaller than the window 9"),
                row("Convolution2D: (2^31 - 1)^3 weights (was a wrapped count)", iae,
                        () -> new Convolution2D(1, Integer.MAX_VALUE, Integer.MAX_VALUE, 1, Padding.SAME)
                                .parameters(new long[] {1, 8, 8}),
                        "weight[2147483647, 1, 2147483647, 2147483647]", "more than 2^48 bytes"),
                row("Dense: 0 inputs", iae, () -> new Dense(0, 2), "inFeatures must be > 0, got 0"),
                row("Dense: -1 outputs", iae, () -> new Dense(4, -1), "outFeatures must be > 0, got -1"),
                row("Dense: (2^31 - 1)^2 weights", iae,
                        () -> new Dense(Integer.MAX_VALUE, Integer.MAX_VALUE).parameters(new long[] {Integer.MAX_VALUE}),
                        "weight[2147483647, 2147483647]", "more than 2^48 bytes"),
                row("Pooling2D: filter 0", iae, () -> new Pooling2D(0, 2, PoolMode.MAX), "pool filterSize must be > 0"),
                row("Network: input shape [0]", iae, () -> new Network(new Dense(4, 2), new long[] {0}),
                        "inputShape must be one or more positive dims, got [0]"),
                row("Network: input shape [-4]", iae, () -> new Network(new Dense(4, 2), new long[] {-4}),
                        "positive dims, got [-4]"),
                row("Network: input shape []", iae, () -> new Network(new Dense(4, 2), new long[0]),
                        "positive dims, got []"),
                row("Network: 5 features into dense(4->2)", iae, () -> new Network(new Dense(4, 2), new long[] {5}),
                        "dense(4->2) expects 4 input features, got shape [5]"),
                row("Network: 2^40 weights (4 TiB)", OutOfMemoryError.class,
                        () -> new Network(new Dense(twoTo20, twoTo20), new long[] {twoTo20}),
                        "cannot allocate", "bytes: more than the", "memory and swap of this machine"),
                row("Network.plan: batch 0", iae, () -> convNet.plan(0, Mode.INFERENCE), "batch size must be > 0, got 0"),
                row("Network.plan: batch -1", iae, () -> convNet.plan(-1, Mode.TRAINING), "must be > 0, got -1"),
                row("Network.plan: batch -2^63", iae, () -> convNet.plan(Long.MIN_VALUE, Mode.INFERENCE),
                        "must be > 0, got -9223372036854775808"),
                row("Network.plan: batch 2^31 - 1 (was DnnlException)", iae,
                        () -> convNet.plan(Integer.MAX_VALUE, Mode.INFERENCE), "batch size 2147483647 needs",
                        "bytes for its input alone", "memory and swap of this machine"),
                row("Network.plan: batch 2^63 - 1", iae, () -> convNet.plan(Long.MAX_VALUE, Mode.TRAINING),
                        "batch size 9223372036854775807 needs"),
                row("Network.plan: no mode", NullPointerException.class, () -> convNet.plan(1, null), "mode"),
                row("Layer.plan: no parameters", iae, () -> planConv(images(2, 1), Mode.INFERENCE, List.of()),
                        "conv2d(1->4, 3x3, same) needs the parameters [weight[4, 1, 3, 3], bias[4]], got []"),
                row("Layer.plan: the parameters in the wrong order", iae, () -> planConv(images(2, 1), Mode.INFERENCE,
                        convNet.parameters().parameters().reversed()), "needs the parameters", "got [bias[4], weight"),
                row("Layer.plan: 2 channels into conv2d(1->4)", iae, () -> planConv(images(2, 2), Mode.INFERENCE,
                        convNet.parameters().parameters()), "expects 1 input channels, got shape [2, 8, 8]"),
                row("LayerPlan.backward before bindGradOutput", IllegalStateException.class, () -> planConv(images(2, 1),
                        Mode.TRAINING, convNet.parameters().parameters()).backward(), "bindGradOutput must be called"),

                row("summary: 0 channels", iae, () -> fitted.summary(0, 8, 8),
                        "at least one channel, row and column", "[0, 8, 8]"),
                row("summary: height -8", iae, () -> fitted.summary(1, -8, 8), "[1, -8, 8]"),
                row("summary: (2^31 - 1)^2 images", iae, () -> fitted.summary(1, Integer.MAX_VALUE, Integer.MAX_VALUE),
                        "4611686009837453316 features", "in_features_list starts with 64"),
                row("summary: (2^63 - 1)^2 images", iae, () -> fitted.summary(1, Long.MAX_VALUE, Long.MAX_VALUE),
                        "more features than a 64-bit count holds"),
                row("summary: (2^31 - 1)^3 conv weights (was wrong counts)", iae,
                        () -> overflowingConvolution().build().summary(1, 1, 1), "more than 2^48 bytes"),
                row("fit: (2^31 - 1)^3 conv weights", iae, () -> {
                    try (SimpleCNN model = overflowingConvolution().build()) {
                        model.fit(new float[20], new int[] {20, 1, 1, 1}, new int[20]);
                    }
                }, "weight[2147483647, 1, 2147483647, 2147483647]", "more than 2^48 bytes"),
                row("fit: 2^40 conv weights (4 TiB)", OutOfMemoryError.class, () -> {
                    try (SimpleCNN model = small().inChannels(1).outChannels(1 << 20).filterSize(1 << 10).padding("same")
                            .pooling(false).inFeatures(1 << 20).build()) {
                        model.fit(new float[20], new int[] {20, 1, 1, 1}, new int[20]);
                    }
                }, "cannot allocate", "memory and swap of this machine"),
                row("fit flat: 2^31 - 1 images", iae, () -> fitted.fit(new float[IMAGE],
                        new int[] {Integer.MAX_VALUE, 1, 8, 8}, new int[1]), "do not fit in one Java array"),
                row("fit flat: 2^16 x 2^16 x 2^16 x 2^16 (was a product wrapped to 0)", iae, () -> fitted.fit(new float[IMAGE],
                        new int[] {1 << 16, 1 << 16, 1 << 16, 1 << 16}, new int[1]), "do not fit in one Java array"),
                row("fit flat: 0 images", iae, () -> fitted.fit(new float[0], new int[] {0, 1, 8, 8}, new int[0]),
                        "must be at least 1", "0 x 1 x 8 x 8"),
                row("fit flat: -1 images", iae, () -> fitted.fit(new float[0], new int[] {-1, 1, 8, 8}, new int[0]),
                        "-1 x 1 x 8 x 8"),
                row("fit flat: 63 pixels for 1 x 1 x 8 x 8", iae, () -> fitted.fit(new float[63], new int[] {1, 1, 8, 8},
                        new int[1]), "pixels has 63 values", "= 64"),
                row("predict: 2^16 x 2^16 x 2^16 x 2^16 (was ArrayIndexOutOfBoundsException)", iae,
                        () -> fitted.predict(wrapping), "65536 x 65536 x 65536 x 65536 values do not fit in one Java array"),
                row("predict: no images", iae, () -> fitted.predict(new float[0][][][]), "at least one image"),
                row("predict: images of 0 channels", iae, () -> fitted.predict(new float[1][0][][]),
                        "at least one image, channel, row and column"),
                row("builder: batch_size -2^31", OutOfRangeException.class, () -> small().batchSize(Integer.MIN_VALUE).build(),
                        "batch_size = -2147483648 is out of range; allowed: > 0"),
                row("builder: threads 2^31 - 1", OutOfRangeException.class, () -> small().threads(Integer.MAX_VALUE).build(),
                        "threads = 2147483647 is out of range; allowed: 1..1024"),
                row("builder: in_features_list [0]", OutOfRangeException.class, () -> small().inFeatures(0).build(), "in_features_list[0] = 0"),

                row("CompiledModel.of: maxBatch 0", iae, () -> CompiledModel.of(fitted, 0), "maxBatch must be >= 1, got 0"),
                row("CompiledModel.of: maxBatch -2^31", iae, () -> CompiledModel.of(fitted, Integer.MIN_VALUE),
                        "maxBatch must be >= 1, got -2147483648"),
                row("CompiledModel.of: a 65536 x 65536 input (issue 20: was ArithmeticException, and leaked)", iae,
                        HostileSizeTest::compileAHugeInput, "the network's input of [1, 65536, 65536]",
                        "more values per image than one Java array (2147483639)"),
                row("ImageFiles.read: 65536 x 65536 (issue 20: was ArrayIndexOutOfBoundsException)", iae,
                        () -> ImageFiles.read(List.of(Path.of("x.png")), 1, 65536, 65536),
                        "65536 x 65536", "4294967296 pixels, more than the 16777216 an image may have"),
                row("ImageFiles.read: 3 x 46341 x 46341 (issue 20: was NegativeArraySizeException)", iae,
                        () -> ImageFiles.read(List.of(Path.of("x.png")), 3, 46341, 46341), "46341 x 46341"),
                row("ImageFiles.read: 200 images of 3 x 4096 x 4096", iae,
                        () -> ImageFiles.read(java.util.Collections.nCopies(200, Path.of("x.png")), 3, 4096, 4096),
                        "200 images of 3 x 4096 x 4096 values do not fit in one Java array"),
                row("Preprocessing.apply: 65536 x 65536", iae,
                        () -> Preprocessing.DEFAULT.apply(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), 1, 65536, 65536),
                        "4294967296 pixels"),
                row("ImageFolderReader.withSize: 65536 x 65536", iae, () -> new ImageFolderReader().withSize(65536, 65536),
                        "4294967296 pixels"),
                row("newPredictor: 0 threads", iae, () -> compiled.newPredictor(0), "threads must be 1..1024, got 0"),
                row("newPredictor: -1 threads", iae, () -> compiled.newPredictor(-1), "1..1024, got -1"),
                row("newPredictor: 1025 threads (was accepted)", iae, () -> compiled.newPredictor(1025), "1..1024, got 1025"),
                row("newPredictor: 2^31 - 1 threads (was NegativeArraySizeException)", iae,
                        () -> compiled.newPredictor(Integer.MAX_VALUE), "1..1024, got 2147483647"),

                row("predict: 0 floats", iae, () -> predictor.predict(new float[0], new float[0]),
                        "images must hold 1 to 4 images of 64 floats [1, 8, 8]", "got 0"),
                row("predict: 63 floats", iae, () -> predictor.predict(new float[63], new float[CLASSES]),
                        "a multiple of 64 up to 256 floats; got 63"),
                row("predict: 65 floats", iae, () -> predictor.predict(new float[65], new float[CLASSES]), "got 65"),
                row("predict: 5 images for maxBatch 4", iae, () -> predictor.predict(new float[5 * IMAGE], new float[15]),
                        "1 to 4 images", "got 320"),
                row("predict, 2 threads: 5 images for maxBatch 4", iae,
                        () -> split.predict(new float[5 * IMAGE], new float[15]), "1 to 4 images", "got 320"),
                row("predict: 2 logits for 1 image", iae, () -> predictor.predict(new float[IMAGE], new float[2]),
                        "logits for 1 image(s) must hold 1 x 3 = 3 floats, got 2"),
                row("predict: 0 logits for 2 images", iae, () -> predictor.predict(new float[2 * IMAGE], new float[0]),
                        "must hold 2 x 3 = 6 floats, got 0"),
                row("predict: no images", NullPointerException.class, () -> predictor.predict((float[]) null, new float[3]),
                        "\"images\""),
                row("predict buffers: 0 floats", iae,
                        () -> predictor.predict(FloatBuffer.allocate(0), FloatBuffer.allocate(3)), "got 0"),
                row("predict buffers: 5 logits for 2 images", iae,
                        () -> predictor.predict(FloatBuffer.wrap(new float[2 * IMAGE]), FloatBuffer.allocate(5)),
                        "must hold 2 x 3 = 6 floats, got 5"),
                row("predict buffers: read-only logits", iae, () -> predictor.predict(FloatBuffer.wrap(new float[IMAGE]),
                        FloatBuffer.allocate(3).asReadOnlyBuffer()), "logits must be writable"),
                row("predict segments: 0 bytes", iae,
                        () -> predictor.predict(MemorySegment.NULL, arena.allocate(12)), "got 0"),
                row("predict segments: 255 bytes", iae, () -> predictor.predict(arena.allocate(255), arena.allocate(12)),
                        "images must hold whole floats (4 bytes each), got 255 bytes"),
                row("predict segments: 2^31 - 1 images claimed", iae, () -> predictor.predict(
                        MemorySegment.NULL.reinterpret((long) Integer.MAX_VALUE * IMAGE * Float.BYTES),
                        arena.allocate(12)), "1 to 4 images", "got 137438953408"),
                row("predict segments: read-only logits", iae, () -> predictor.predict(arena.allocate(4L * IMAGE),
                        arena.allocate(12).asReadOnly()), "logits must be writable"),
                row("predictClass: 0 floats", iae, () -> predictor.predictClass(new float[0]),
                        "one image has 64 floats [1, 8, 8], got 0"),
                row("predictClass: 2 images", iae, () -> predictor.predictClass(new float[2 * IMAGE]), "got 128"),
                row("predictClasses: 1 class slot for 2 images", iae,
                        () -> predictor.predictClasses(new float[2 * IMAGE], new int[1]),
                        "classes must hold one entry per image: expected 2, got 1"),
                row("predictClasses: 0 floats", iae, () -> predictor.predictClasses(new float[0]), "1 to 4 images"),

                row("issue 20: Network, batchnorm2d(4096) after a 1 x 1 conv over 363 x 363 (crashed in oneDNN)", iae,
                        () -> new Network(new Sequential(List.of(new Convolution2D(1, 4096, 1, 1, Padding.SAME),
                                new BatchNorm2D(4096))), new long[] {1, 363, 363}),
                        "batchnorm2d(4096) gets 2158903296 bytes per image (input [4096, 363, 363] float32), more than"
                                + " the 2147483647 bytes (2^31 - 1) oneDNN's batch normalization handles per image"),
                row("issue 20: Network, batchnorm2d(16) over 16 x 1 x 2^25, exactly 2^31 bytes (crashed)", iae,
                        () -> new Network(new BatchNorm2D(16), new long[] {16, 1, 1L << 25}),
                        "batchnorm2d(16) gets 2147483648 bytes per image", "2147483647 bytes (2^31 - 1)"),
                row("issue 20: Network, batchnorm1d(2^29), 2^31 bytes per sample", iae,
                        () -> new Network(new BatchNorm1D(1L << 29), new long[] {1L << 29}),
                        "batchnorm1d(536870912) gets 2147483648 bytes per image (input [536870912] float32)"),
                row("issue 20: batchnorm2d over (2^31 - 1)^3 values, a byte count beyond a long", iae,
                        () -> NativeLimits.requireSupported(Graph.chain(new BatchNorm2D(Integer.MAX_VALUE),
                                new long[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE})),
                        "batchnorm2d(2147483647) gets more than 2^63 bytes per image"),
                row("issue 20: fit, batch norm over 4096 x 363 x 363 (crashed in oneDNN)", iae, () -> {
                    try (SimpleCNN model = small().outChannels(4096).filterSize(1).padding("same").pooling(false)
                            .batchNorm(true).inFeatures(List.of(4096 * 363 * 363, CLASSES)).build()) {
                        // 3 images: 2 to train (a batch of 1 would be refused first, for batch norm) and 1 to validate.
                        model.fit(new float[3 * 363 * 363], new int[] {3, 1, 363, 363}, new int[] {0, 1, 0});
                    }
                }, "batchnorm2d(4096) gets 2158903296 bytes per image"));
    }

    /**
     * Issue 20: the largest batch-norm input oneDNN handles per image, 4096 x 362 x 362 floats (2,147,090,432 bytes,
     * measured to run), passes the shape check, as does 2^31 - 1 bytes itself; planning it needs 4 GiB and more, so
     * the run is measured in a JVM of its own (RELIABILITY.md, "Size limits"), not here.
     */
    @Test
    void theLargestBatchNormInputPassesTheCheck() {
        assertDoesNotThrow(() -> NativeLimits.requireSupported(Graph.chain(new Sequential(List.of(
                new Convolution2D(1, 4096, 1, 1, Padding.SAME), new BatchNorm2D(4096))), new long[] {1, 362, 362})));
        assertDoesNotThrow(() -> NativeLimits.requireSupported(Graph.chain(new BatchNorm1D((1L << 29) - 1),
                new long[] {(1L << 29) - 1})));
        assertDoesNotThrow(() -> NativeLimits.requireSupported(Graph.chain(new BatchNorm2D(16), new long[] {16, 1, (1L << 25) - 1})));
    }

    /**
     * The fitted model's file with its input shape set to 1 x 65536 x 65536 and its stride to 8192 ('valid'),
     * which give the same 8 x 8 features: it loads (the parameters are those of the file), and its input holds 2^32
     * values per image.
     */
    private static void compileAHugeInput() throws IOException {
        Path folder = Files.createTempDirectory("hostile-size");
        try {
            Path file = folder.resolve("huge-input.jdnn");
            fitted.save(file);
            Files.write(file, ModelFileBytes.editHeaderAsVersion1(Files.readAllBytes(file), header -> {
                header.putArray("input_shape").add(1).add(65536).add(65536);
                ((ObjectNode) header.get("config")).put("stride", 8192).put("padding", "valid");
            }));
            try (SimpleCNN model = SimpleCNN.load(file)) {
                CompiledModel.of(model, 1).close();
            }
        } finally {
            try (var files = Files.list(folder)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(folder);
        }
    }

    /** A conv of 2^31 - 1 filters of (2^31 - 1)^2 on 1 x 1 images, whose weight count overflows a long. */
    private static SimpleCNNBuilder overflowingConvolution() {
        return small().inChannels(1).outChannels(Integer.MAX_VALUE).filterSize(Integer.MAX_VALUE).padding("same")
                .pooling(false).inFeatures(Integer.MAX_VALUE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileCalls")
    void aHostileSizeIsRefusedByName(Refusals.Row row) {
        Refusals.assertRefused(row);
    }

    /** After each row: the same logits bit for bit, and no native memory gained or lost. */
    @AfterEach
    void nothingChanged() {
        assertArrayEquals(logitsBefore, predictTwo(predictor), "the predictor's logits changed");
        assertArrayEquals(splitLogitsBefore, predictTwo(split), "the 2-thread predictor's logits changed");
        float[][] raw = fitted.predictRaw(valid);
        for (int i = 0; i < raw.length; i++) assertArrayEquals(rawBefore[i], raw[i], "the model's logits of image " + i);
        assertEquals(liveBefore, CountingArena.liveBytes(), "native bytes held after the refused call");
    }

    /**
     * maxBatch 2^31 - 1 made every new predictor fail with NegativeArraySizeException before the fix. The model
     * for four is compiled here, not the shared one: plans for new batch sizes may pack weights in new layouts,
     * which the shared model would then hold, and the check after each test counts what it holds.
     */
    @Test
    void aModelCompiledForTwoToThe31MinusOneImagesPredictsLikeOneForFour() {
        float[] threeImages = randomPixels(3, 4);
        try (CompiledModel forFour = CompiledModel.of(fitted, MAX_BATCH);
             CompiledModel huge = CompiledModel.of(fitted, Integer.MAX_VALUE)) {
            for (int threads : new int[] {1, 2}) {
                for (float[] images : new float[][] {twoImages, threeImages}) {
                    float[] expected = new float[images.length / IMAGE * CLASSES];
                    float[] actual = expected.clone();
                    try (Predictor small = forFour.newPredictor(threads); Predictor large = huge.newPredictor(threads)) {
                        small.predict(images, expected);
                        large.predict(images, actual);
                    }
                    assertArrayEquals(expected, actual, threads + " thread(s), " + images.length / IMAGE + " images");
                }
            }
        }
    }

    /** A batch size of 2^31 - 1 is clamped to the data and trains. */
    @Test
    void aBatchOfTwoToThe31MinusOneTrainsOnTheData() {
        int[] labels = {0, 1, 2, 0, 1, 2};
        try (SimpleCNN model = small().batchSize(Integer.MAX_VALUE).build()) {
            model.fit(randomPixels(6, 5), new int[] {6, 1, 8, 8}, labels);
            assertEquals(5, model.predict(Dataset.of(randomPixels(5, 6), 5, 1, 8, 8, new int[5],
                    Dataset.numberedClasses(CLASSES))).length);
        }
    }
}
