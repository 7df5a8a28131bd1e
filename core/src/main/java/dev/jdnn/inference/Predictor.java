package dev.jdnn.inference;

import dev.jdnn.data.DataFormatException;
import dev.jdnn.runtime.CountingArena;
import dev.jdnn.runtime.ThreadStartException;
import dev.jdnn.runtime.Threads;
import java.awt.image.BufferedImage;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.ThreadFactory;

/**
 * Runs a {@link CompiledModel} on 1 to {@link CompiledModel#maxBatch()} images per call. Images are
 * float32, plain N x C x H x W (the batch size is the input length divided by the image size); the
 * results are N rows of {@link CompiledModel#outputSize()} logits.
 * <p>Each predictor has its own streams, buffers and primitives, and compiles its plan for a batch size
 * the first time it sees that size. After that first call a prediction of floats allocates nothing, on the Java
 * heap or off it; {@code predictImage} of a BufferedImage or encoded bytes allocates to decode and prepare it.
 * <p><b>Threads.</b> A predictor is used by one thread at a time (give each thread its own: they are
 * cheap, and they share the model's weights). Every call first sets the calling thread's OpenMP team
 * size (a per-thread setting that one cheap native call makes), so other oneDNN work on the same thread
 * may find it changed. A predictor of {@code threads} > 1 splits a batch of at least {@code threads}
 * images into {@code threads} parts, run at the same time by the calling thread and {@code threads - 1}
 * worker threads of the predictor, each part by 1-thread primitives: no synchronization inside the
 * primitives, which was faster than one call on {@code threads} OpenMP threads for W1 at every batch size
 * from 2 to 256 ({@code InferenceTiming} in the tests measures both). A single image runs in one call on
 * {@code threads} OpenMP threads.
 * <p>The same model, input, batch size and thread count give bit-identical results on any thread.
 * <p>Any prediction may throw {@link ThreadStartException} when the process cannot start the threads it needs (the
 * workers at the first split batch, or OpenMP's team the first time a thread predicts one image on several): the
 * call then started nothing and the predictor stays usable; {@link #close()} always releases it.
 */
public final class Predictor implements AutoCloseable {
    private final CompiledModel model;
    private final int threads;
    private final int splitFrom;
    private final int imageSize;
    private final int outputSize;
    private final CountingArena arena = new CountingArena();
    private final Lane whole;
    private final Lane[] parts;
    private final BatchPlan[] partPlans;
    private final int[] partFirst;
    private final ThreadFactory threadFactory;
    /** Null until the first split batch, then all {@code threads - 1} workers, started: never partly built. */
    private Worker[] workers;
    private final ArrayIo arrayIo = new ArrayIo();
    private final ClassIo classIo = new ClassIo();
    private final BufferIo bufferIo = new BufferIo();
    private final SegmentIo segmentIo = new SegmentIo();
    private final int[] oneClass = new int[1];
    private boolean closed;

    /**
     * A predictor of {@code threads} (bounded by the caller) that splits batches of at least {@code splitFrom} images (at
     * least one image per thread), its workers on threads of {@code threadFactory}.
     */
    Predictor(CompiledModel model, int threads, int splitFrom, ThreadFactory threadFactory) {
        this.model = model;
        this.threads = threads;
        this.threadFactory = threadFactory;
        this.imageSize = model.imageSize();
        this.outputSize = model.outputSize();
        int maxBatch = model.maxBatch();
        boolean splits = threads > 1 && splitFrom <= maxBatch;
        this.splitFrom = splits ? Math.max(splitFrom, threads) : Integer.MAX_VALUE;
        this.parts = splits ? new Lane[threads] : null;
        int largestPart = maxBatch / threads + (maxBatch % threads == 0 ? 0 : 1);
        try {
            this.whole = new Lane(model, threads, splits ? this.splitFrom - 1 : maxBatch, arena);
            for (int p = 0; splits && p < threads; p++) parts[p] = new Lane(model, 1, largestPart, arena);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.partPlans = splits ? new BatchPlan[threads] : null;
        this.partFirst = splits ? new int[threads] : null;
    }

    /**
     * The threads each prediction uses: those asked for, at most {@link Threads#available()}.
     */
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
        arrayIo.in = images;
        arrayIo.out = logits;
        run(n, arrayIo);
    }

    /**
     * Predicts the floats between the position and the limit of {@code images} into {@code logits},
     * from its position; neither buffer's position moves.
     * @throws IllegalArgumentException as {@link #predict(float[], float[])}, with remaining() as lengths, or if
     *         logits is read-only
     */
    public void predict(FloatBuffer images, FloatBuffer logits) {
        int n = batchOf(images.remaining());
        requireOutput(logits.remaining(), n);
        if (logits.isReadOnly()) throw new IllegalArgumentException("logits must be writable, got a read-only buffer");
        bufferIo.in = images;
        bufferIo.out = logits;
        run(n, bufferIo);
    }

    /**
     * Predicts from and into memory segments of native-order floats (on or off the heap).
     * @throws IllegalArgumentException as {@link #predict(float[], float[])}, with the sizes in bytes
     *         divided by 4 as lengths (a size that is not a multiple of 4 is refused too), or if logits is
     *         read-only
     */
    public void predict(MemorySegment images, MemorySegment logits) {
        int n = batchOf(floats(images.byteSize(), "images"));
        requireOutput(floats(logits.byteSize(), "logits"), n);
        if (logits.isReadOnly()) throw new IllegalArgumentException("logits must be writable, got a read-only segment");
        segmentIo.in = images;
        segmentIo.out = logits;
        run(n, segmentIo);
    }

    /** The class (index of the largest logit) of one image of C x H x W floats. */
    public int predictClass(float[] image) {
        if (image.length != imageSize) {
            throw new IllegalArgumentException("one image has " + imageSize + " floats " + shape() + ", got "
                    + image.length);
        }
        classIo.in = image;
        classIo.classes = oneClass;
        run(1, classIo);
        return oneClass[0];
    }

    /**
     * The class of {@code image}, prepared by the compiled model's {@link CompiledModel#preprocessing()}.
     * Preparing an image allocates (its samples and the model's input); {@link #predictClass(float[])} of an
     * image prepared beforehand is the path that allocates nothing. For the logits, prepare the image with
     * {@code model().preprocessing().apply(...)} and call {@link #predict(float[], float[])}.
     *
     * @throws IllegalArgumentException if the model's input is not of 1 or 3 channels
     */
    public int predictImage(BufferedImage image) {
        long[] shape = model.imageShape();
        return predictClass(model.preprocessing().apply(image, (int) shape[0], (int) shape[1], (int) shape[2]));
    }

    /**
     * The class of the PNG, JPEG or BMP image {@code encodedImage}, as {@link #predictImage(BufferedImage)};
     * decoding allocates too.
     *
     * @throws DataFormatException if the bytes are not such an image that decodes
     * @throws IllegalArgumentException if the model's input is not of 1 or 3 channels
     */
    public int predictImage(byte[] encodedImage) throws DataFormatException {
        long[] shape = model.imageShape();
        return predictClass(model.preprocessing().apply(encodedImage, (int) shape[0], (int) shape[1], (int) shape[2]));
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
        classIo.in = images;
        classIo.classes = classes;
        run(n, classIo);
    }

    /** The whole-batch plan for {@code n} images (compiled on first use), e.g. to inspect its steps. */
    BatchPlan plan(int n) {
        requireOpen();
        return whole.plan(n);
    }

    /** How many activation buffers the whole-batch plans compiled so far share, e.g. to check their liveness. */
    int activationSlots() {
        return whole.activationSlots();
    }

    private void run(int n, Io io) {
        requireOpen();
        if (n < splitFrom) {
            BatchPlan plan = whole.plan(n);
            Threads.set(threads);
            io.read(plan, 0, n);
            plan.run(whole.stream());
            io.write(plan, 0, n);
        } else {
            runSplit(n, io);
        }
    }

    /** Runs part 0 of the batch on this thread and the others on the workers, all on 1 OpenMP thread. */
    private void runSplit(int n, Io io) {
        if (workers == null) startWorkers();
        int first = 0;
        for (int p = 0; p < threads; p++) {
            int size = n / threads + (p < n % threads ? 1 : 0);
            partPlans[p] = parts[p].plan(size);
            partFirst[p] = first;
            io.read(partPlans[p], first, size);
            first += size;
            if (p > 0) workers[p - 1].start(partPlans[p]);
        }
        Threads.set(1);
        RuntimeException failure = null;
        try {
            partPlans[0].run(parts[0].stream());
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Worker worker : workers) {
            try {
                worker.await();
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
            }
        }
        if (failure != null) throw failure;
        for (int p = 0; p < threads; p++) io.write(partPlans[p], partFirst[p], partPlans[p].batch());
    }

    /**
     * Starts all workers or none: if one cannot start, those started are stopped and the call fails, leaving the
     * predictor as it was (a later split batch tries again).
     */
    private void startWorkers() {
        Worker[] started = new Worker[threads - 1];
        int w = 0;
        try {
            for (; w < started.length; w++) {
                started[w] = new Worker(parts[w + 1], "jdnn-predictor-worker-" + (w + 1), threadFactory);
            }
        } catch (RuntimeException | Error e) {
            for (int i = 0; i < w; i++) started[i].stop();
            throw e;
        }
        workers = started;
    }

    /** The worker threads of this predictor (none before its first split batch), for tests. */
    Thread[] workerThreads() {
        if (workers == null) return new Thread[0];
        Thread[] result = new Thread[workers.length];
        for (int w = 0; w < workers.length; w++) result[w] = workers[w].thread();
        return result;
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
        int maxBatch = model.maxBatch();
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
            throw new IllegalArgumentException(what + " must hold whole floats (4 bytes each), got " + bytes
                    + " bytes");
        }
        return bytes / Float.BYTES;
    }

    private String shape() {
        return Arrays.toString(model.imageShape());
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("this predictor is closed");
    }

    /**
     * Stops the worker threads and frees this predictor's buffers and primitives, also after a call that failed;
     * again does nothing.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            if (workers != null) {
                for (Worker worker : workers) worker.stop();
            }
        } finally {
            try {
                arena.close();
            } finally {
                model.predictorClosed();
            }
        }
    }

    /**
     * Moves images into a plan's input and results out of its output, for one kind of argument. One
     * instance per kind lives as long as the predictor, its fields set at each call: no allocation.
     */
    private abstract static class Io {
        /** Copies images {@code first .. first+n-1} of the call's input into {@code plan}'s input. */
        abstract void read(BatchPlan plan, int first, int n);

        /** Copies {@code plan}'s n results to rows {@code first .. first+n-1} of the call's output. */
        abstract void write(BatchPlan plan, int first, int n);
    }

    private class ArrayIo extends Io {
        float[] in;
        float[] out;

        @Override
        void read(BatchPlan plan, int first, int n) {
            MemorySegment.copy(in, first * imageSize, plan.input(), ValueLayout.JAVA_FLOAT, 0, n * imageSize);
        }

        @Override
        void write(BatchPlan plan, int first, int n) {
            MemorySegment.copy(plan.output(), ValueLayout.JAVA_FLOAT, 0, out, first * outputSize, n * outputSize);
        }
    }

    private final class ClassIo extends ArrayIo {
        int[] classes;

        @Override
        void write(BatchPlan plan, int first, int n) {
            for (int i = 0; i < n; i++) classes[first + i] = argmax(plan.output(), i);
        }
    }

    private final class BufferIo extends Io {
        FloatBuffer in;
        FloatBuffer out;

        @Override
        void read(BatchPlan plan, int first, int n) {
            plan.inputView().put(0, in, in.position() + first * imageSize, n * imageSize);
        }

        @Override
        void write(BatchPlan plan, int first, int n) {
            out.put(out.position() + first * outputSize, plan.outputView(), 0, n * outputSize);
        }
    }

    private final class SegmentIo extends Io {
        MemorySegment in;
        MemorySegment out;

        @Override
        void read(BatchPlan plan, int first, int n) {
            MemorySegment.copy(in, (long) first * imageSize * Float.BYTES, plan.input(), 0,
                    (long) n * imageSize * Float.BYTES);
        }

        @Override
        void write(BatchPlan plan, int first, int n) {
            MemorySegment.copy(plan.output(), 0, out, (long) first * outputSize * Float.BYTES,
                    (long) n * outputSize * Float.BYTES);
        }
    }
}
