package dev.jdnn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Single image files (PNG, JPEG, BMP) as a data set for prediction, each prepared by a {@link Preprocessing}:
 * by default as {@link ImageFolderReader} prepares training images (values in [0, 1], converted to the wanted
 * channel count, resized bilinearly to the wanted size).
 */
public final class ImageFiles {
    private ImageFiles() {}

    /**
     * Reads {@code files} in order as {@code channels x height x width} images prepared by
     * {@link Preprocessing#DEFAULT}; their labels are all 0.
     *
     * @throws IllegalArgumentException if channels is not 1 or 3, a size is below 1, height x width is more than
     *     {@link ImageFolderReader#MAX_PIXELS}, the images do not fit in one Java array, or there are no files
     * @throws NoSuchFileException if a file does not exist
     * @throws DataFormatException naming the file if it is not a PNG, JPEG or BMP image
     */
    public static Dataset read(List<Path> files, int channels, int height, int width) throws IOException {
        return read(files, channels, height, width, Preprocessing.DEFAULT);
    }

    /**
     * Reads {@code files} in order as {@code channels x height x width} images prepared by {@code preprocessing}
     * (a model's {@code preprocessing()}, to predict as it was trained); their labels are all 0.
     *
     * @throws IllegalArgumentException if channels is not 1 or 3, the preprocessing does not fit them
     *     ({@link Preprocessing#requireChannels}), a size is below 1, height x width is more than
     *     {@link ImageFolderReader#MAX_PIXELS}, the images do not fit in one Java array, or there are no files
     * @throws NoSuchFileException if a file does not exist
     * @throws DataFormatException naming the file if it is not a PNG, JPEG or BMP image
     */
    public static Dataset read(List<Path> files, int channels, int height, int width, Preprocessing preprocessing)
            throws IOException {
        Preprocessing.requireImageChannels(channels);
        preprocessing.requireChannels(channels);
        Preprocessing.requireImageSize(height, width);
        if (files.isEmpty()) throw new IllegalArgumentException("no image files given");
        int size = channels * height * width;
        if ((long) files.size() * size > IdxHeader.MAX_ELEMENTS) {
            throw new IllegalArgumentException("%d images of %d x %d x %d values do not fit in one Java array"
                    .formatted(files.size(), channels, height, width));
        }
        float[] pixels = new float[files.size() * size];
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "no such image file");
            float[] input = preprocessing.apply(ImageDecoder.decode(file), channels, height, width);
            System.arraycopy(input, 0, pixels, i * size, size);
        }
        return Dataset.adopt(pixels, files.size(), channels, height, width, new int[files.size()],
                Dataset.numberedClasses(1));
    }
}
