package dev.jdnn.inference;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.IdxHeader;
import dev.jdnn.data.Preprocessing;
import dev.jdnn.layers.Network;
import dev.jdnn.runtime.CountingArena;
import dev.jdnn.runtime.OneDnn;
import dev.jdnn.runtime.Threads;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * A trained {@link SimpleCNN} compiled for low-latency inference of up to {@link #maxBatch()} images
 * per call: batch norm folded into the weights and biases of the layer before it, activations fused into
 * that layer as post-ops, dropout removed, and the weights reordered once into the layouts oneDNN's
 * primitives choose. Immutable after {@link #of}: it does not follow later training of the model.
 * <p>Predictions run on {@link Predictor}s: one per thread, cheap to create, all sharing this model's
 * folded weights read-only. A compiled model owns that native memory; {@link #close()} frees it and
 * refuses while any of its predictors is still open.
 * <p>Each dense layer runs the fastest of the implementations oneDNN offers for it, timed the first time a plan
 * of the process needs it (a batch size and thread count of a layer of that shape) and then kept, so that all
 * predictors of all compiled models of a network compute alike, to the bit. Another process may time a near
 * tie the other way; its results may then differ from this one's in the last bits (rounding).
 * <p>Thread-safe: predictors may be created and closed from any thread.
 */
public final class CompiledModel implements AutoCloseable {
    /** The activation layout of every plan; see {@link Layout}. */
    static final Layout DEFAULT_LAYOUT = Layout.ANY;

    private final CountingArena arena;
    private final List<InferenceOp> ops;
    private final PackedWeights packedWeights;
    private final DenseImplementations denseImplementations;
    private final long[] imageShape;
    private final int imageSize;
    private final int outputSize;
    private final int maxBatch;
    private final Precision precision;
    private final Layout layout;
    private final Preprocessing preprocessing;
    private int openPredictors;
    private boolean closed;

    /** Package-private for tests that compile networks a SimpleCNN cannot build (grouped convolutions). */
    CompiledModel(Network network, Preprocessing preprocessing, int maxBatch, Precision precision, Layout layout,
                  DenseImplementations denseImplementations) {
        // Sizes first: a refusal must come before the arena holds anything (issue 20: it leaked what fold took).
        this.imageShape = network.inputShape();
        this.imageSize = arraySize("input", imageShape);
        this.outputSize = arraySize("output", network.outputShape());
        this.arena = new CountingArena();
        try {
            this.ops = Folding.fold(network, arena);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        this.packedWeights = new PackedWeights(arena, ops.size());
        this.denseImplementations = denseImplementations;
        this.maxBatch = maxBatch;
        this.precision = precision;
        this.layout = layout;
        this.preprocessing = preprocessing;
    }

    /**
     * The values of one image's {@code what} ({@code shape}), which predictors take and give in Java arrays.
     *
     * @throws IllegalArgumentException if one image's values do not fit in one Java array
     */
    private static int arraySize(String what, long[] shape) {
        // In double: the product of long dims may wrap.
        double size = 1;
        for (long d : shape) size *= d;
        if (size > IdxHeader.MAX_ELEMENTS) {
            throw new IllegalArgumentException("the network's " + what + " of " + Arrays.toString(shape)
                    + " holds more values per image than one Java array (" + IdxHeader.MAX_ELEMENTS
                    + "), in which a predictor takes and gives them");
        }
        return (int) product(shape);
    }

    /** {@code model} compiled in float32 for batches of 1 to {@code maxBatch} images. */
    public static CompiledModel of(SimpleCNN model, int maxBatch) {
        return of(model, maxBatch, Precision.F32);
    }

    /**
     * {@code model} compiled in {@code precision} for batches of 1 to {@code maxBatch} images.
     * @throws IllegalStateException if the model is not fitted (or loaded) or is closed
     * @throws IllegalArgumentException if maxBatch is below 1, or one image's input or output holds more values
     *         than one Java array
     * @throws UnsupportedOperationException for {@link Precision#BF16} on a CPU without native bf16
     *         arithmetic (see {@link OneDnn#supportsBf16()}), or a network with layers in an order that
     *         cannot be folded
     */
    public static CompiledModel of(SimpleCNN model, int maxBatch, Precision precision) {
        return of(model, maxBatch, precision, DEFAULT_LAYOUT);
    }

    static CompiledModel of(SimpleCNN model, int maxBatch, Precision precision, Layout layout) {
        return of(model, maxBatch, precision, layout, DenseImplementations.timed());
    }

    static CompiledModel of(SimpleCNN model, int maxBatch, Precision precision, Layout layout,
                            DenseImplementations denseImplementations) {
        if (model == null) throw new IllegalArgumentException("model must not be null");
        if (precision == null) throw new IllegalArgumentException("precision must be F32 or BF16, got null");
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        Network network = model.network();
        if (network == null) {
            throw new IllegalStateException("this SimpleCNN is not fitted: call fit (or load) before compiling it");
        }
        if (precision == Precision.BF16 && !OneDnn.supportsBf16()) {
            throw new UnsupportedOperationException("bf16 inference needs a CPU with native bf16 arithmetic"
                    + " (avx512_core_bf16 or AMX); oneDNN dispatches to " + OneDnn.isa() + " here: use Precision.F32");
        }
        return new CompiledModel(network, model.preprocessing(), maxBatch, precision, layout, denseImplementations);
    }

    /** A predictor running on 1 OpenMP thread. */
    public Predictor newPredictor() {
        return newPredictor(1);
    }

    /**
     * A predictor using {@code threads} threads per call (see {@link Predictor} for how it shares them), at most
     * {@link Threads#available()}: more are accepted and run on that many (see {@link Threads}).
     * Creating one is cheap: its plans are compiled on first use of each batch size.
     * @throws IllegalArgumentException unless 1 &lt;= threads &lt;= {@link Threads#MAX}
     * @throws IllegalStateException if this model is closed
     */
    public Predictor newPredictor(int threads) {
        int bounded = Threads.bounded(threads);
        return newPredictor(bounded, bounded);
    }

    /** A predictor that splits batches of at least {@code splitFrom} images between its threads. */
    Predictor newPredictor(int threads, int splitFrom) {
        return newPredictor(threads, splitFrom, Thread.ofPlatform().factory());
    }

    /**
     * The same, its worker threads made by {@code threadFactory} (tests make it fail). The count is not bounded by
     * the processors here, so that tests can start several workers on any machine.
     */
    synchronized Predictor newPredictor(int threads, int splitFrom, ThreadFactory threadFactory) {
        if (threads < 1 || threads > Threads.MAX) {
            throw new IllegalArgumentException("threads must be 1.." + Threads.MAX + ", got " + threads);
        }
        requireOpen();
        Predictor predictor = new Predictor(this, threads, splitFrom, threadFactory);
        openPredictors++;
        return predictor;
    }

    synchronized void predictorClosed() {
        openPredictors--;
    }

    /** The largest number of images one call can predict. */
    public int maxBatch() {
        return maxBatch;
    }

    public Precision precision() {
        return precision;
    }

    /** The shape of one image: [channels, height, width]. */
    public long[] imageShape() {
        return imageShape.clone();
    }

    /** How the predictors' {@code predictImage} methods prepare images: the model's, when it was compiled. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** Floats per image: channels * height * width. */
    public int imageSize() {
        return imageSize;
    }

    /** Floats per prediction: the number of logits (classes). */
    public int outputSize() {
        return outputSize;
    }

    List<InferenceOp> ops() {
        return ops;
    }

    PackedWeights packedWeights() {
        return packedWeights;
    }

    DenseImplementations denseImplementations() {
        return denseImplementations;
    }

    Layout layout() {
        return layout;
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("this compiled model is closed");
    }

    /**
     * Frees the folded weights; calling it again does nothing.
     * @throws IllegalStateException while predictors of this model are open: they read its weights
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        if (openPredictors > 0) {
            throw new IllegalStateException(openPredictors + " predictor(s) of this compiled model are still open;"
                    + " close them first, they read its weights");
        }
        closed = true;
        arena.close();
    }

    @Override
    public String toString() {
        return "CompiledModel[" + ops.size() + " steps, images " + Arrays.toString(imageShape) + ", " + outputSize
                + " outputs, maxBatch " + maxBatch + ", " + precision + "]";
    }

    private static long product(long[] dims) {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }
}
