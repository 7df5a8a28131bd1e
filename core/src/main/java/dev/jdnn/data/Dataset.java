package dev.jdnn.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * An immutable labelled image data set: {@code count} images of {@code channels x height x width} floats in
 * NCHW order, each with a class index in {@code 0..classCount()-1}.
 *
 * <p>Subsets ({@link #head}, {@link #tail}, {@link #slice}, {@link #select}, {@link #split}) are views: they
 * share the parent's pixels and cost only their row indices. Operations that change values
 * ({@link #standardized}) return a new data set with its own storage.
 */
public final class Dataset {
    private final Storage storage;
    /** The storage rows of this view, or null for the contiguous rows {@code first..first+count-1}. */
    private final int[] rows;
    private final int first;
    private final int count;

    /** The shared, never modified arrays behind a data set and its views. */
    private record Storage(Pixels pixels, int[] labels, int channels, int height, int width,
                           List<String> classNames) {
        int imageSize() {
            return channels * height * width;
        }
    }

    /** A training and a validation part of a data set. */
    public record Split(Dataset train, Dataset valid) {}

    private Dataset(Storage storage, int[] rows, int first, int count) {
        this.storage = storage;
        this.rows = rows;
        this.first = first;
        this.count = count;
    }

    /**
     * A data set from flat NCHW pixels; the arrays are copied.
     *
     * @param pixels {@code count * channels * height * width} finite values
     * @param labels {@code count} class indices in {@code 0..classNames.size()-1}
     * @param classNames the distinct class names, in class-index order
     * @throws IllegalArgumentException naming the first wrong length, size, label or non-finite value
     */
    public static Dataset of(float[] pixels, int count, int channels, int height, int width, int[] labels,
                             List<String> classNames) {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(classNames, "classNames");
        checkShape(count, channels, height, width);
        long expected = (long) count * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixels has %d values, expected count x channels x height x width = %d x %d x %d x %d = %d"
                    .formatted(pixels.length, count, channels, height, width, expected));
        }
        for (int i = 0; i < pixels.length; i++) {
            if (!Float.isFinite(pixels[i])) {
                int image = i / (channels * height * width);
                int within = i % (channels * height * width);
                throw new IllegalArgumentException("pixels[%d] (image %d, channel %d, row %d, column %d) is %s; values must be finite"
                        .formatted(i, image, within / (height * width), within / width % height, within % width, pixels[i]));
            }
        }
        return adopt(pixels.clone(), count, channels, height, width, labels.clone(), classNames);
    }

    /**
     * A data set from {@code images[n][c][y][x]}; the values are copied into one NCHW array.
     *
     * @throws IllegalArgumentException if the images are ragged or empty, a value is not finite (naming its
     *     index), or a label is out of range
     */
    public static Dataset of(float[][][][] images, int[] labels, List<String> classNames) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(classNames, "classNames");
        if (images.length == 0 || images[0].length == 0 || images[0][0].length == 0 || images[0][0][0].length == 0) {
            throw new IllegalArgumentException("images must have at least one image, channel, row and column");
        }
        int channels = images[0].length;
        int height = images[0][0].length;
        int width = images[0][0][0].length;
        checkShape(images.length, channels, height, width);
        float[] pixels = new float[Math.toIntExact((long) images.length * channels * height * width)];
        int at = 0;
        for (int n = 0; n < images.length; n++) {
            checkLength(images[n].length, channels, "images[%d]".formatted(n));
            for (int c = 0; c < channels; c++) {
                checkLength(images[n][c].length, height, "images[%d][%d]".formatted(n, c));
                for (int y = 0; y < height; y++) {
                    float[] row = images[n][c][y];
                    checkLength(row.length, width, "images[%d][%d][%d]".formatted(n, c, y));
                    for (int x = 0; x < width; x++) {
                        if (!Float.isFinite(row[x])) {
                            throw new IllegalArgumentException("images[%d][%d][%d][%d] is %s; values must be finite"
                                    .formatted(n, c, y, x, row[x]));
                        }
                        pixels[at++] = row[x];
                    }
                }
            }
        }
        return adopt(pixels, images.length, channels, height, width, labels.clone(), classNames);
    }

    /** Class names "0", "1", ... for data without names. */
    public static List<String> numberedClasses(int classCount) {
        if (classCount < 1) throw new IllegalArgumentException("classCount must be at least 1, got " + classCount);
        List<String> names = new ArrayList<>(classCount);
        for (int i = 0; i < classCount; i++) names.add(Integer.toString(i));
        return List.copyOf(names);
    }

    /**
     * Takes ownership of arrays that nobody else holds (the readers' fresh arrays) without copying them; the
     * caller has checked that the pixels are finite.
     */
    static Dataset adopt(float[] pixels, int count, int channels, int height, int width, int[] labels,
                         List<String> classNames) {
        return adopt(new Pixels.Floats(pixels), count, channels, height, width, labels, classNames);
    }

    /**
     * Like {@link #adopt(float[], int, int, int, int, int[], List)} for the unsigned bytes of 8-bit images,
     * which stand for the values {@code (b & 0xFF) / 255f}.
     */
    static Dataset adoptUnsignedBytes(byte[] pixels, int count, int channels, int height, int width, int[] labels,
                                      List<String> classNames) {
        return adopt(new Pixels.UnsignedBytes(pixels), count, channels, height, width, labels, classNames);
    }

    private static Dataset adopt(Pixels pixels, int count, int channels, int height, int width, int[] labels,
                                 List<String> classNames) {
        checkShape(count, channels, height, width);
        if ((long) count * channels * height * width != pixels.length()) {
            throw new IllegalArgumentException("%d pixels do not fill %d x %d x %d x %d"
                    .formatted(pixels.length(), count, channels, height, width));
        }
        if (labels.length != count) {
            throw new IllegalArgumentException("labels has %d entries, expected one per image: %d"
                    .formatted(labels.length, count));
        }
        List<String> names = List.copyOf(classNames);
        if (names.isEmpty()) throw new IllegalArgumentException("classNames must not be empty");
        if (new HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("classNames must be distinct, got " + names);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= names.size()) {
                throw new IllegalArgumentException("labels[%d] is %d, allowed 0..%d (%d classes)"
                        .formatted(i, labels[i], names.size() - 1, names.size()));
            }
        }
        return new Dataset(new Storage(pixels, labels, channels, height, width, names), null, 0, count);
    }

    private static void checkShape(int count, int channels, int height, int width) {
        if (count < 1 || channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("count, channels, height and width must be at least 1, got %d x %d x %d x %d"
                    .formatted(count, channels, height, width));
        }
        // In double: four ints of 2^16 multiply to 2^64, which a long wraps to 0.
        if ((double) count * channels * height * width > IdxHeader.MAX_ELEMENTS) {
            throw new IllegalArgumentException("%d x %d x %d x %d values do not fit in one Java array"
                    .formatted(count, channels, height, width));
        }
    }

    private static void checkLength(int actual, int expected, String name) {
        if (actual != expected) {
            throw new IllegalArgumentException("%s has length %d, expected %d like the first image"
                    .formatted(name, actual, expected));
        }
    }

    /** The number of images. */
    public int count() {
        return count;
    }

    /** Channels per image (1 gray, 3 RGB). */
    public int channels() {
        return storage.channels;
    }

    /** Rows per image. */
    public int height() {
        return storage.height;
    }

    /** Columns per image. */
    public int width() {
        return storage.width;
    }

    /** Values per image: channels x height x width. */
    public int imageSize() {
        return storage.imageSize();
    }

    /** The number of classes: labels are in {@code 0..classCount()-1}. */
    public int classCount() {
        return storage.classNames.size();
    }

    /** The class names, in class-index order (unmodifiable). */
    public List<String> classNames() {
        return storage.classNames;
    }

    /** The class index of image {@code index}. */
    public int label(int index) {
        return storage.labels[row(index)];
    }

    /** One value of image {@code index}. */
    public float pixel(int index, int channel, int y, int x) {
        if (channel < 0 || channel >= channels() || y < 0 || y >= height() || x < 0 || x >= width()) {
            throw new IndexOutOfBoundsException("pixel (%d, %d, %d) outside %d x %d x %d"
                    .formatted(channel, y, x, channels(), height(), width()));
        }
        return storage.pixels.get(offset(index) + (channel * height() + y) * width() + x);
    }

    /** A copy of image {@code index}, CHW. */
    public float[] image(int index) {
        float[] image = new float[imageSize()];
        storage.pixels.copy(offset(index), image, 0, imageSize());
        return image;
    }

    /** A copy of all labels, in this data set's order. */
    public int[] labels() {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = label(i);
        return labels;
    }

    /** A copy of all pixels, NCHW in this data set's order. */
    public float[] toArray() {
        float[] pixels = new float[Math.multiplyExact(count, imageSize())];
        for (int i = 0; i < count; i++) storage.pixels.copy(offset(i), pixels, i * imageSize(), imageSize());
        return pixels;
    }

    /** A view of the first {@code n} images. */
    public Dataset head(int n) {
        return slice(0, n);
    }

    /** A view of the last {@code n} images. */
    public Dataset tail(int n) {
        return slice(count - n, count);
    }

    /** A view of images {@code from} (inclusive) to {@code to} (exclusive). */
    public Dataset slice(int from, int to) {
        if (from < 0 || to < from || to > count) {
            throw new IndexOutOfBoundsException("slice [%d, %d) of a data set of %d images".formatted(from, to, count));
        }
        if (rows == null) return new Dataset(storage, null, first + from, to - from);
        return new Dataset(storage, Arrays.copyOfRange(rows, from, to), 0, to - from);
    }

    /** A view of the images at {@code indices}, in that order (repeats allowed). */
    public Dataset select(int[] indices) {
        int[] selected = new int[indices.length];
        for (int i = 0; i < indices.length; i++) selected[i] = row(indices[i]);
        return new Dataset(storage, selected, 0, selected.length);
    }

    /** A random permutation of {@code 0..count()-1}, the same for the same seed. */
    public int[] permutation(long seed) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        Batches.shuffle(order, new Random(seed));
        return order;
    }

    /**
     * Splits off a validation part the way scikit-learn's train_test_split does: the images are permuted by
     * the seed, the first {@code ceil(validFraction * count)} become the validation part and the rest the
     * training part, both in permuted order.
     *
     * @throws IllegalArgumentException unless {@code 0 < validFraction < 1} and both parts get images
     */
    public Split split(double validFraction, long seed) {
        if (!(validFraction > 0 && validFraction < 1)) {
            throw new IllegalArgumentException("validFraction must be in (0, 1), got " + validFraction);
        }
        int valid = (int) Math.ceil(validFraction * count);
        if (valid >= count) {
            throw new IllegalArgumentException("validFraction %s of %d images leaves no training images"
                    .formatted(validFraction, count));
        }
        Dataset permuted = select(permutation(seed));
        return new Split(permuted.slice(valid, count), permuted.slice(0, valid));
    }

    /** Mini-batches of {@code batchSize} images in this data set's order; see {@link Batches#shuffle}. */
    public Batches batches(int batchSize) {
        return new Batches(this, batchSize);
    }

    /**
     * Copies images {@code order[from..from+n-1]} into {@code images} (NCHW floats) and their labels into
     * {@code labels}, starting at index 0 of both; allocates nothing.
     *
     * @throws IndexOutOfBoundsException if the range, an index or the buffers are out of bounds
     */
    public void copyBatch(int[] order, int from, int n, float[] images, int[] labels) {
        checkBatch(order, from, n, (long) images.length * Float.BYTES, (long) labels.length * Integer.BYTES);
        int size = imageSize();
        for (int i = 0; i < n; i++) {
            int index = order[from + i];
            storage.pixels.copy(offset(index), images, i * size, size);
            labels[i] = label(index);
        }
    }

    /**
     * Copies images {@code order[from..from+n-1]} into {@code images} as native-order floats (NCHW) and their
     * labels into {@code labels} as native-order 32-bit ints, starting at byte 0 of both; allocates nothing.
     *
     * @throws IndexOutOfBoundsException if the range, an index or the segments are out of bounds
     */
    public void copyBatch(int[] order, int from, int n, MemorySegment images, MemorySegment labels) {
        checkBatch(order, from, n, images.byteSize(), labels.byteSize());
        int size = imageSize();
        for (int i = 0; i < n; i++) {
            int index = order[from + i];
            storage.pixels.copy(offset(index), images, (long) i * size * Float.BYTES, size);
            labels.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, label(index));
        }
    }

    private void checkBatch(int[] order, int from, int n, long imageBytes, long labelBytes) {
        if (from < 0 || n < 0 || from > order.length - n) {
            throw new IndexOutOfBoundsException("batch [%d, %d) of an order of %d indices".formatted(from, from + n, order.length));
        }
        long needImages = (long) n * imageSize() * Float.BYTES;
        if (imageBytes < needImages || labelBytes < (long) n * Integer.BYTES) {
            throw new IndexOutOfBoundsException("a batch of %d images needs %d image bytes and %d label bytes, got %d and %d"
                    .formatted(n, needImages, (long) n * Integer.BYTES, imageBytes, labelBytes));
        }
    }

    /** The mean of each channel over all images and positions. */
    public float[] channelMean() {
        double[] sum = new double[channels()];
        int plane = height() * width();
        for (int i = 0; i < count; i++) {
            int offset = offset(i);
            for (int c = 0; c < channels(); c++) {
                for (int p = 0; p < plane; p++) sum[c] += storage.pixels.get(offset + c * plane + p);
            }
        }
        float[] mean = new float[channels()];
        for (int c = 0; c < mean.length; c++) mean[c] = (float) (sum[c] / ((double) count * plane));
        return mean;
    }

    /** The population standard deviation of each channel over all images and positions. */
    public float[] channelStd() {
        float[] mean = channelMean();
        double[] sum = new double[channels()];
        int plane = height() * width();
        for (int i = 0; i < count; i++) {
            int offset = offset(i);
            for (int c = 0; c < channels(); c++) {
                for (int p = 0; p < plane; p++) {
                    double d = storage.pixels.get(offset + c * plane + p) - (double) mean[c];
                    sum[c] += d * d;
                }
            }
        }
        float[] std = new float[channels()];
        for (int c = 0; c < std.length; c++) std[c] = (float) Math.sqrt(sum[c] / ((double) count * plane));
        return std;
    }

    /**
     * A new data set (own storage, contiguous) with each value replaced by {@code (value - mean[c]) / std[c]}.
     * Pass the training set's {@link #channelMean()} and {@link #channelStd()} to standardize the other sets
     * the same way.
     *
     * @throws IllegalArgumentException if the arrays do not have one finite entry per channel, a std is not
     *     positive, or a standardized value is not finite (a std too small for the data)
     */
    public Dataset standardized(float[] mean, float[] std) {
        if (mean.length != channels() || std.length != channels()) {
            throw new IllegalArgumentException("mean and std need %d entries (one per channel), got %d and %d"
                    .formatted(channels(), mean.length, std.length));
        }
        for (int c = 0; c < channels(); c++) {
            if (!Float.isFinite(mean[c]) || !(std[c] > 0) || !Float.isFinite(std[c])) {
                throw new IllegalArgumentException("channel %d: mean must be finite and std finite and > 0, got mean %s, std %s"
                        .formatted(c, mean[c], std[c]));
            }
        }
        float[] pixels = toArray();
        int plane = height() * width();
        for (int i = 0; i < pixels.length; i++) {
            int c = i / plane % channels();
            float value = (pixels[i] - mean[c]) / std[c];
            if (!Float.isFinite(value)) {
                // A std near 0 (a subnormal is > 0 and finite) or far-apart values overflow float.
                throw new IllegalArgumentException("image %d, channel %d: (%s - mean %s) / std %s is %s; values must stay finite"
                        .formatted(i / (plane * channels()), c, pixels[i], mean[c], std[c], value));
            }
            pixels[i] = value;
        }
        return adopt(pixels, count, channels(), height(), width(), labels(), classNames());
    }

    private int row(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("image %d of a data set of %d images".formatted(index, count));
        }
        return rows == null ? first + index : rows[index];
    }

    private int offset(int index) {
        return row(index) * imageSize();
    }
}
