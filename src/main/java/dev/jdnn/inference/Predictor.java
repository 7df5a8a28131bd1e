package dev.jdnn.inference;

import dev.jdnn.runtime.CountingArena;
import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.Stream;
import dev.jdnn.runtime.Threads;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Runs a {@link CompiledModel} on 1 to {@link CompiledModel#maxBatch()} images per call. Images are
 * float32, plain N x C x H x W (the batch size is the input length divided by the image size); the
 * results are N rows of {@link CompiledModel#outputSize()} logits.
 * <p>Each predictor has its own stream, buffers and primitives, and compiles its plan for a batch size
 * the first time it sees that size. After that first call a prediction allocates nothing, on the Java
 * heap or off it.
 * <p><b>Threads.</b> A predictor is used by one thread at a time (give each thread its own: they are
 * cheap, and they share the model's weights). Every call first sets the calling thread's OpenMP team
 * size to this predictor's {@link #threads()} (a per-thread setting that one cheap native call makes),
 * so other oneDNN work on the same thread may leave it changed. The same model, input and thread count
 * give bit-identical results on any thread.
 */
public final class Predictor implements AutoCloseable {
    private final CompiledModel model;
    private final int threads;
    private final int imageSize;
    private final int outputSize;
    private final int maxBatch;
    private final CountingArena arena = new CountingArena();
    private final Stream stream;
    private final Buffers buffers;
    private final BatchPlan[] plans;
    private boolean closed;

    Predictor(CompiledModel model, int threads) {
        this.model = model;
        this.threads = threads;
        this.imageSize = model.imageSize();
        this.outputSize = model.outputSize();
        this.maxBatch = model.maxBatch();
        this.stream = new Stream(Engine.cpu(), arena);
        this.buffers = new Buffers(arena, maxBatch);
        this.plans = new BatchPlan[maxBatch + 1];
    }

    /** The OpenMP threads each prediction uses. */
    public int threads() {
        return threads;
    }

    public CompiledModel model() {
        return model;
    }

    /**
     * Predicts the images in {@code images} (N x C x H x W floats) into {@code logits} (N x outputs).
     * @throws IllegalArgumentException if images does not hold 1 to maxBatch whole images, or logits
     *         does not hold exactly N x outputs floats
     */
    public void predict(float[] images, float[] logits) {
        int n = batchOf(images.length);
        requireOutput(logits.length, n);
        BatchPlan plan = prepare(n);
        MemorySegment.copy(images, 0, plan.input(), ValueLayout.JAVA_FLOAT, 0, images.length);
        plan.run(stream);
        MemorySegment.copy(plan.output(), ValueLayout.JAVA_FLOAT, 0, logits, 0, logits.length);
    }

    /**
     * Predicts the floats between the position and the limit of {@code images} into {@code logits},
     * from its position; neither buffer's position moves.
     * @throws IllegalArgumentException as {@link #predict(float[], float[])}, with remaining() as lengths
     */
    public void predict(FloatBuffer images, FloatBuffer logits) {
        int n = batchOf(images.remaining());
        requireOutput(logits.remaining(), n);
        BatchPlan plan = prepare(n);
        plan.inputView().put(0, images, images.position(), images.remaining());
        plan.run(stream);
        logits.put(logits.position(), plan.outputView(), 0, n * outputSize);
    }

    /**
     * Predicts from and into memory segments of native-order floats (on or off the heap).
     * @throws IllegalArgumentException as {@link #predict(float[], float[])}, with the sizes in bytes
     *         divided by 4 as lengths (a size that is not a multiple of 4 is refused too)
     */
    public void predict(MemorySegment images, MemorySegment logits) {
        int n = batchOf(floats(images.byteSize(), "images"));
        requireOutput(floats(logits.byteSize(), "logits"), n);
        BatchPlan plan = prepare(n);
        MemorySegment.copy(images, 0, plan.input(), 0, images.byteSize());
        plan.run(stream);
        MemorySegment.copy(plan.output(), 0, logits, 0, logits.byteSize());
    }

    /** The class (index of the largest logit) of one image of C x H x W floats. */
    public int predictClass(float[] image) {
        if (image.length != imageSize) {
            throw new IllegalArgumentException("one image has " + imageSize + " floats " + shape() + ", got "
                    + image.length);
        }
        BatchPlan plan = prepare(1);
        MemorySegment.copy(image, 0, plan.input(), ValueLayout.JAVA_FLOAT, 0, image.length);
        plan.run(stream);
        return argmax(plan.output(), 0);
    }

    /** The class of each of the N images in {@code images}, in a new array. */
    public int[] predictClasses(float[] images) {
        int[] classes = new int[batchOf(images.length)];
        predictClasses(images, classes);
        return classes;
    }

    /**
     * Writes the class of each of the N images in {@code images} into {@code classes}.
     * @throws IllegalArgumentException if classes does not hold exactly N entries
     */
    public void predictClasses(float[] images, int[] classes) {
        int n = batchOf(images.length);
        if (classes.length != n) {
            throw new IllegalArgumentException("classes must hold one entry per image: expected " + n + ", got "
                    + classes.length);
        }
        BatchPlan plan = prepare(n);
        MemorySegment.copy(images, 0, plan.input(), ValueLayout.JAVA_FLOAT, 0, images.length);
        plan.run(stream);
        for (int i = 0; i < n; i++) classes[i] = argmax(plan.output(), i);
    }

    /** The plan for {@code n} images, compiled on first use; sets this thread's OpenMP team size. */
    BatchPlan prepare(int n) {
        if (closed) throw new IllegalStateException("this predictor is closed");
        Threads.set(threads);
        BatchPlan plan = plans[n];
        if (plan == null) {
            plan = PlanCompiler.compile(model, n, arena, buffers, stream);
            plans[n] = plan;
        }
        return plan;
    }

    private int argmax(MemorySegment logits, int row) {
        long base = (long) row * outputSize;
        int best = 0;
        float max = logits.getAtIndex(ValueLayout.JAVA_FLOAT, base);
        for (int i = 1; i < outputSize; i++) {
            float v = logits.getAtIndex(ValueLayout.JAVA_FLOAT, base + i);
            if (v > max) {
                max = v;
                best = i;
            }
        }
        return best;
    }

    private int batchOf(long floats) {
        if (floats <= 0 || floats % imageSize != 0 || floats / imageSize > maxBatch) {
            throw new IllegalArgumentException("images must hold 1 to " + maxBatch + " images of " + imageSize
                    + " floats " + shape() + ", i.e. a multiple of " + imageSize + " up to "
                    + (long) maxBatch * imageSize + " floats; got " + floats);
        }
        return (int) (floats / imageSize);
    }

    private void requireOutput(long floats, int n) {
        if (floats != (long) n * outputSize) {
            throw new IllegalArgumentException("logits for " + n + " image(s) must hold " + n + " x " + outputSize
                    + " = " + (long) n * outputSize + " floats, got " + floats);
        }
    }

    private static long floats(long bytes, String what) {
        if (bytes % Float.BYTES != 0) {
            throw new IllegalArgumentException(what + " must hold whole floats (4 bytes each), got " + bytes + " bytes");
        }
        return bytes / Float.BYTES;
    }

    private String shape() {
        return Arrays.toString(model.imageShape());
    }

    /** Frees this predictor's buffers and primitives; calling it again does nothing. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        arena.close();
        model.predictorClosed();
    }
}
