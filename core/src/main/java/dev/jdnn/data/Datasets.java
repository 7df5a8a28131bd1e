package dev.jdnn.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Named data sets and the standard on-disk layouts: Fashion-MNIST from Debian's package
 * {@code dataset-fashion-mnist}, the small Fashion-MNIST subset embedded in the jar, IDX file pairs and image
 * folders. Pixels of 8-bit sources are scaled to [0, 1] by dividing by 255.
 */
public final class Datasets {
    /** Where Debian's dataset-fashion-mnist installs its IDX files. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** Fashion-MNIST's class names, in label order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover",
            "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Where the embedded set's files are, in the artifact {@value #EMBEDDED_ARTIFACT}. */
    private static final String EMBEDDED = "jdnn/data/fashion-mnist-small/";
    /** The artifact that carries the embedded set: the command line depends on it, a library user adds it. */
    public static final String EMBEDDED_ARTIFACT = "dev.jdnn:jdnn-fashion-mnist-small";
    /** The most classes that unnamed labels may number: beyond it a label file is more likely corrupt. */
    private static final int MAX_NUMBERED_CLASSES = 1 << 16;

    /** A training and a test set. */
    public record TrainTest(Dataset train, Dataset test) {}

    private Datasets() {}

    /** Fashion-MNIST from {@link #DEBIAN_FASHION_MNIST}: 60,000 training and 10,000 test images, 1 x 28 x 28. */
    public static TrainTest fashionMnist() throws IOException {
        return fashionMnist(DEBIAN_FASHION_MNIST);
    }

    /**
     * Fashion-MNIST from a folder holding {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
     * {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each optionally ending in
     * {@code .gz}.
     *
     * @throws NoSuchFileException if a file is missing
     * @throws DataFormatException if a file is malformed or the images and labels do not match
     */
    public static TrainTest fashionMnist(Path folder) throws IOException {
        return new TrainTest(
                idx(idxFile(folder, "train-images-idx3-ubyte"), idxFile(folder, "train-labels-idx1-ubyte"), FASHION_MNIST_CLASSES),
                idx(idxFile(folder, "t10k-images-idx3-ubyte"), idxFile(folder, "t10k-labels-idx1-ubyte"), FASHION_MNIST_CLASSES));
    }

    /**
     * The Fashion-MNIST subset that ships with jdnn's command line (see the README next to its files): 4,000
     * training images (the first 400 of each class) and 1,000 test images (the first 100 of each class),
     * 1 x 28 x 28. It lives in its own artifact, {@value #EMBEDDED_ARTIFACT}, so that the library does not
     * carry 2 MB of images: add that artifact to use it.
     *
     * @throws IllegalStateException if the artifact is not on the class path, or its files are damaged
     */
    public static TrainTest embeddedDefault() {
        try {
            return new TrainTest(embedded("train"), embedded("t10k"));
        } catch (IOException e) {
            throw new IllegalStateException("the embedded default data set cannot be read: " + e.getMessage(), e);
        }
    }

    private static Dataset embedded(String part) throws IOException {
        String images = part + "-images-idx3-ubyte.gz";
        String labels = part + "-labels-idx1-ubyte.gz";
        return fromIdx(resource(images), resource(labels), FASHION_MNIST_CLASSES, EMBEDDED + images, EMBEDDED + labels);
    }

    private static IdxArray resource(String name) throws IOException {
        // The class loader, not the class: the files are in another artifact, outside this module's packages.
        try (InputStream in = Datasets.class.getClassLoader().getResourceAsStream(EMBEDDED + name)) {
            if (in == null) {
                throw new NoSuchFileException(EMBEDDED + name, null,
                        "not on the class path; add the artifact " + EMBEDDED_ARTIFACT);
            }
            return IdxReader.read(in, EMBEDDED + name);
        }
    }

    /**
     * A data set from an IDX image file ({@code count x height x width}) and an IDX label file
     * ({@code count} integers in {@code 0..classNames.size()-1}). 8-bit images are divided by 255; other
     * element types are used as stored and must be finite.
     *
     * @throws DataFormatException naming the file if either file is malformed or they do not match
     */
    public static Dataset idx(Path images, Path labels, List<String> classNames) throws IOException {
        return fromIdx(IdxReader.read(images), IdxReader.read(labels), classNames, images.toString(), labels.toString());
    }

    /**
     * The training and test sets in {@code folder}, in one of two layouts:
     * <ul>
     *   <li>IDX files: {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte} and
     *       {@code t10k-images-idx3-ubyte} (or {@code test-...}), {@code t10k-labels-idx1-ubyte}, each
     *       optionally ending in {@code .gz}; the classes are numbered "0" to the largest label;</li>
     *   <li>image folders {@code train/} and {@code test/}, each with the same class sub-folders, read by
     *       {@code reader}; the test images get the training images' channel count and must share their
     *       size.</li>
     * </ul>
     *
     * @throws DataFormatException if the folder has neither layout or its contents are malformed
     */
    public static TrainTest fromDirectory(Path folder, ImageFolderReader reader) throws IOException {
        if (Files.isDirectory(folder.resolve("train")) && Files.isDirectory(folder.resolve("test"))) {
            return fromImageFolders(folder, reader);
        }
        Path trainImages = find(folder, "train-images-idx3-ubyte");
        Path trainLabels = find(folder, "train-labels-idx1-ubyte");
        String test = find(folder, "t10k-images-idx3-ubyte") != null ? "t10k" : "test";
        Path testImages = find(folder, test + "-images-idx3-ubyte");
        Path testLabels = find(folder, test + "-labels-idx1-ubyte");
        if (trainImages == null || trainLabels == null || testImages == null || testLabels == null) {
            throw new DataFormatException(folder.toString(), "neither IDX files (train-images-idx3-ubyte, "
                    + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, optionally .gz) "
                    + "nor image folders train/ and test/ with one sub-folder per class");
        }
        IdxArray trainLabelArray = IdxReader.read(trainLabels);
        IdxArray testLabelArray = IdxReader.read(testLabels);
        int classes = Math.max(classCount(trainLabelArray, trainLabels), classCount(testLabelArray, testLabels));
        List<String> names = Dataset.numberedClasses(classes);
        return new TrainTest(
                fromIdx(IdxReader.read(trainImages), trainLabelArray, names, trainImages.toString(), trainLabels.toString()),
                fromIdx(IdxReader.read(testImages), testLabelArray, names, testImages.toString(), testLabels.toString()));
    }

    private static TrainTest fromImageFolders(Path folder, ImageFolderReader reader) throws IOException {
        Dataset train = reader.read(folder.resolve("train"));
        Path testFolder = folder.resolve("test");
        Dataset test = reader.withChannels(train.channels()).read(testFolder);
        if (!test.classNames().equals(train.classNames())) {
            throw new DataFormatException(testFolder.toString(), "class folders %s differ from the training folders %s"
                    .formatted(test.classNames(), train.classNames()));
        }
        if (test.height() != train.height() || test.width() != train.width()) {
            throw new DataFormatException(testFolder.toString(), "images are %d x %d but the training images are %d x %d"
                    .formatted(test.height(), test.width(), train.height(), train.width()));
        }
        return new TrainTest(train, test);
    }

    private static Dataset fromIdx(IdxArray images, IdxArray labels, List<String> classNames, String imageSource,
                                   String labelSource) throws DataFormatException {
        IdxHeader header = images.header();
        if (header.rank() != 3) {
            throw new DataFormatException(imageSource, "images must have 3 dimensions (count, height, width), found " + header);
        }
        int count = header.dim(0);
        int[] labelArray = toLabels(labels, count, classNames.size(), labelSource);
        if (header.type() == IdxType.UBYTE) {
            return Dataset.adoptUnsignedBytes(images.data(), count, 1, header.dim(1), header.dim(2), labelArray, classNames);
        }
        float[] pixels = images.values();
        for (int i = 0; i < pixels.length; i++) {
            if (!Float.isFinite(pixels[i])) {
                throw new DataFormatException(imageSource, "element %d is %s; values must be finite".formatted(i, pixels[i]));
            }
        }
        return Dataset.adopt(pixels, count, 1, header.dim(1), header.dim(2), labelArray, classNames);
    }

    private static int[] toLabels(IdxArray labels, int count, int classes, String source) throws DataFormatException {
        IdxHeader header = labels.header();
        if (header.rank() != 1 || header.dim(0) != count) {
            throw new DataFormatException(source, "labels must have 1 dimension of %d (one per image), found %s"
                    .formatted(count, header));
        }
        float[] values = labels.values();
        int[] result = new int[count];
        for (int i = 0; i < count; i++) {
            if (values[i] != Math.rint(values[i]) || values[i] < 0 || values[i] >= classes) {
                throw new DataFormatException(source, "label %d is %s; labels must be integers in 0..%d"
                        .formatted(i, values[i], classes - 1));
            }
            result[i] = (int) values[i];
        }
        return result;
    }

    /** The largest label plus one, for numbering the classes of unnamed labels. */
    private static int classCount(IdxArray labels, Path source) throws DataFormatException {
        float[] values = labels.values();
        float max = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != Math.rint(values[i]) || values[i] < 0 || values[i] >= MAX_NUMBERED_CLASSES) {
                throw new DataFormatException(source.toString(), "label %d is %s; labels must be integers in 0..%d"
                        .formatted(i, values[i], MAX_NUMBERED_CLASSES - 1));
            }
            max = Math.max(max, values[i]);
        }
        return (int) max + 1;
    }

    /** {@code folder/name.gz} or {@code folder/name}, whichever exists, or null. */
    private static Path find(Path folder, String name) {
        for (Path candidate : List.of(folder.resolve(name + ".gz"), folder.resolve(name))) {
            if (Files.isRegularFile(candidate)) return candidate;
        }
        return null;
    }

    private static Path idxFile(Path folder, String name) throws NoSuchFileException {
        Path file = find(folder, name);
        if (file == null) {
            throw new NoSuchFileException(folder.resolve(name + ".gz").toString(), null,
                    "missing (also without .gz); Debian's package dataset-fashion-mnist installs it in " + DEBIAN_FASHION_MNIST);
        }
        return file;
    }
}
