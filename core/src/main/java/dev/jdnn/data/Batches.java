package dev.jdnn.data;

import java.lang.foreign.MemorySegment;
import java.util.random.RandomGenerator;

/**
 * Mini-batches over a data set in an order that can be reshuffled in place each epoch. Batch {@code b} holds
 * the images at positions {@code b * batchSize ...} of the order; the last batch is smaller when the batch
 * size does not divide the count. Copying a batch fills caller-provided buffers and allocates nothing, so one
 * pair of buffers serves a whole training run.
 *
 * <p>Not thread-safe: {@link #shuffle} changes the order that the copy methods read.
 */
public final class Batches {
    private final Dataset data;
    private final int batchSize;
    private final int[] order;

    Batches(Dataset data, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        this.data = data;
        this.batchSize = batchSize;
        this.order = new int[data.count()];
        for (int i = 0; i < order.length; i++) order[i] = i;
    }

    /** Shuffles {@code values} in place (Fisher-Yates). */
    static void shuffle(int[] values, RandomGenerator random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    /** The data set the batches come from. */
    public Dataset data() {
        return data;
    }

    /** The largest number of images per batch. */
    public int batchSize() {
        return batchSize;
    }

    /** The number of batches: {@code ceil(count / batchSize)}. */
    public int count() {
        return (order.length + batchSize - 1) / batchSize;
    }

    /** The number of images in batch {@code batch}: {@code batchSize}, except possibly for the last. */
    public int size(int batch) {
        if (batch < 0 || batch >= count()) {
            throw new IndexOutOfBoundsException("batch %d of %d".formatted(batch, count()));
        }
        return Math.min(batchSize, order.length - batch * batchSize);
    }

    /** Permutes the order in place with {@code random}; allocates nothing. */
    public void shuffle(RandomGenerator random) {
        shuffle(order, random);
    }

    /** A copy of the current order: positions in the data set. */
    public int[] order() {
        return order.clone();
    }

    /**
     * Copies batch {@code batch} into the start of {@code images} (NCHW) and {@code labels}.
     *
     * @return the number of images copied, {@link #size(int)}
     */
    public int copy(int batch, float[] images, int[] labels) {
        int n = size(batch);
        data.copyBatch(order, batch * batchSize, n, images, labels);
        return n;
    }

    /**
     * Copies batch {@code batch} into the start of {@code images} (native-order floats, NCHW) and
     * {@code labels} (native-order 32-bit ints).
     *
     * @return the number of images copied, {@link #size(int)}
     */
    public int copy(int batch, MemorySegment images, MemorySegment labels) {
        int n = size(batch);
        data.copyBatch(order, batch * batchSize, n, images, labels);
        return n;
    }
}
