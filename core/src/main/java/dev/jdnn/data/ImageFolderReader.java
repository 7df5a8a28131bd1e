package dev.jdnn.data;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a folder of images with one sub-folder per class into a {@link Dataset}. The class names are the
 * sub-folder names in sorted order, and class {@code i} is the {@code i}-th of them. Images are read class by
 * class, each sub-folder's files in sorted name order; pixel values are scaled to [0, 1].
 *
 * <p>Every non-hidden file in a class folder must be a PNG, JPEG or BMP image (.png, .jpg, .jpeg, .bmp);
 * hidden entries (names starting with '.') are skipped, and so are plain files in the root folder. An image may have
 * at most {@link #MAX_PIXELS} pixels. The reader is immutable: the {@code with...} methods return configured copies.
 */
public final class ImageFolderReader {
    /** Channel count that picks 1 if every image is gray and 3 otherwise. */
    public static final int AUTO_CHANNELS = 0;
    /** The most pixels an image may have (4096 x 4096): decoding one costs up to about 28 bytes per pixel. */
    public static final long MAX_PIXELS = 1L << 24;

    private final int channels;
    private final int height;
    private final int width;

    /** A reader that picks the channels automatically and requires all images to share one size. */
    public ImageFolderReader() {
        this(AUTO_CHANNELS, 0, 0);
    }

    private ImageFolderReader(int channels, int height, int width) {
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /**
     * This reader with a forced channel count: 1 turns colour into gray (BT.601 luma), 3 repeats gray into
     * R, G and B; {@link #AUTO_CHANNELS} chooses 1 if every image is gray and 3 otherwise.
     */
    public ImageFolderReader withChannels(int channels) {
        if (channels != AUTO_CHANNELS && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1, 3 or AUTO_CHANNELS (0), got " + channels);
        }
        return new ImageFolderReader(channels, height, width);
    }

    /**
     * This reader with every image resized to {@code height x width} (bilinear, half-pixel centres).
     *
     * @throws IllegalArgumentException if a size is below 1 or height x width is more than {@link #MAX_PIXELS}
     */
    public ImageFolderReader withSize(int height, int width) {
        Preprocessing.requireImageSize(height, width);
        return new ImageFolderReader(channels, height, width);
    }

    /**
     * Reads the images under {@code root}.
     *
     * @throws DataFormatException if the root is not a folder or has no class folders, a class folder has no
     *     images, a file is not an image or cannot be decoded, (without a size set) an image's size differs
     *     from the first image's, or the images would need more than one Java array or twice the JVM's maximum
     *     heap as floats (counted from their headers before any is decoded); the message names the file or folder
     * @throws IOException if a folder or file cannot be read
     */
    public Dataset read(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new DataFormatException(root.toString(), "not a folder; expected one sub-folder of images per class");
        }
        List<Path> classFolders = entries(root, true);
        if (classFolders.isEmpty()) {
            throw new DataFormatException(root.toString(), "no class sub-folders; expected one sub-folder of images per class");
        }
        List<List<Path>> classFiles = new ArrayList<>();
        for (Path folder : classFolders) {
            List<Path> files = entries(folder, false);
            if (files.isEmpty()) throw new DataFormatException(folder.toString(), "class folder without images");
            classFiles.add(files);
        }
        requireMemory(root, classFiles);
        List<String> classNames = new ArrayList<>();
        List<DecodedImage> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        Path sizeSetter = null;
        boolean allGray = true;
        for (int k = 0; k < classFolders.size(); k++) {
            Path folder = classFolders.get(k);
            for (Path file : classFiles.get(k)) {
                DecodedImage image = ImageDecoder.decode(file);
                if (height > 0) {
                    image = image.resized(height, width);
                } else if (sizeSetter == null) {
                    sizeSetter = file;
                } else if (image.height() != images.getFirst().height() || image.width() != images.getFirst().width()) {
                    throw new DataFormatException(file.toString(), "image is %d x %d (height x width) but %s is %d x %d; set a common size to resize"
                            .formatted(image.height(), image.width(), sizeSetter, images.getFirst().height(), images.getFirst().width()));
                }
                allGray &= image.channels() == 1;
                images.add(image);
                labels.add(classNames.size());
            }
            classNames.add(folder.getFileName().toString());
        }
        return assemble(images, labels, classNames, channels != AUTO_CHANNELS ? channels : allGray ? 1 : 3);
    }

    /**
     * Refuses, from the images' headers and before any is decoded, a data set whose pixels as floats would not fit
     * one Java array, or would need more than the JVM's maximum heap ({@link Runtime#maxMemory()}) twice over
     * (the decoded images and the data set's array are both held while it is assembled): a folder of 4096 x 4096
     * PNGs ran the heap out (issue 20).
     */
    private void requireMemory(Path root, List<List<Path>> classFiles) throws IOException {
        long pixels = 0;
        long count = 0;
        boolean allGray = true;
        for (List<Path> files : classFiles) {
            for (Path file : files) {
                ImageDecoder.Size size = ImageDecoder.size(file);
                pixels += height > 0 ? (long) height * width : (long) size.height() * size.width();
                allGray &= size.channels() == 1;
                count++;
            }
        }
        // The data set's channels; each decoded image has as many or fewer.
        long values = pixels * (channels != AUTO_CHANNELS ? channels : allGray ? 1 : 3);
        if (values > IdxHeader.MAX_ELEMENTS) {
            throw new DataFormatException(root.toString(), "%d images of %d values (as floats) in all do not fit in one Java array (%d)"
                    .formatted(count, values, IdxHeader.MAX_ELEMENTS));
        }
        long bytes = 2 * values * Float.BYTES;
        if (bytes > Runtime.getRuntime().maxMemory()) {
            throw new DataFormatException(root.toString(), ("%d images of %d values in all need %d bytes as floats, twice"
                    + " while they are assembled: more than the JVM's maximum heap of %d bytes (-Xmx); give it more"
                    + " heap, fewer images or a smaller size").formatted(count, values, bytes, Runtime.getRuntime().maxMemory()));
        }
    }

    private static Dataset assemble(List<DecodedImage> images, List<Integer> labels, List<String> classNames,
                                    int channels) {
        DecodedImage first = images.getFirst();
        int size = channels * first.height() * first.width();
        float[] pixels = new float[Math.multiplyExact(images.size(), size)];
        int[] labelArray = new int[images.size()];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).withChannels(channels).planes(), 0, pixels, i * size, size);
            labelArray[i] = labels.get(i);
        }
        return Dataset.adopt(pixels, images.size(), channels, first.height(), first.width(), labelArray, classNames);
    }

    /** The sorted non-hidden sub-folders ({@code folders}) or files (otherwise) of {@code folder}. */
    private static List<Path> entries(Path folder, boolean folders) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            for (Path entry : stream) {
                if (entry.getFileName().toString().startsWith(".")) continue;
                if (Files.isDirectory(entry) == folders) entries.add(entry);
                else if (!folders) throw new DataFormatException(entry.toString(), "a folder inside a class folder; expected only image files");
            }
        }
        entries.sort(null);
        return entries;
    }
}
