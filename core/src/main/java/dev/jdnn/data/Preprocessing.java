package dev.jdnn.data;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Objects;

/**
 * How an image becomes the input of a model of C x H x W: decoded to samples, converted to the model's C
 * channels, resized to H x W, then each value {@code v} of channel {@code c} replaced by
 * {@code (v * scale - mean[c]) / std[c]}. A model file stores it with the model, so that a program predicting
 * from images prepares them as the model was trained. The defaults ({@link #DEFAULT}) give values in [0, 1], as
 * {@link ImageFolderReader} reads training images; with other values, train on data prepared the same way
 * (for instance with {@link Dataset#standardized}, whose mean and std are in units after scaling).
 * <p>Channels: a gray image is repeated into the three channels of a colour model; a colour image becomes gray
 * for a one-channel model by the ITU-R BT.601 luma weights 0.299 R + 0.587 G + 0.114 B; a colour model takes its
 * planes in {@link #channelOrder()}. Resizing is bilinear with half-pixel centres and no antialiasing, as PyTorch's
 * {@code interpolate(mode="bilinear", align_corners=False)}.
 *
 * @param scale        multiplies the samples, on the scale of 8-bit samples (0 to 255; images of other depths
 *                     are brought to it first); finite and above 0, by default 1/255
 * @param mean         subtracted after scaling: one value for every channel, or one per channel; finite, by
 *                     default {0}
 * @param std          divides after subtracting the mean: one value for every channel, or one per channel;
 *                     finite and above 0, by default {1}
 * @param channelOrder the order of the colour planes of a three-channel model, by default RGB
 */
public record Preprocessing(double scale, float[] mean, float[] std, ChannelOrder channelOrder) {
    /** Scale 1/255, mean 0, standard deviation 1, RGB: values in [0, 1], as jdnn prepared images before it stored any. */
    public static final Preprocessing DEFAULT = new Preprocessing(1.0 / 255, new float[] {0}, new float[] {1},
            ChannelOrder.RGB);

    /** The order of a colour image's planes in a three-channel model's input. */
    public enum ChannelOrder {
        /** Red, green, blue. */
        RGB,
        /** Blue, green, red (OpenCV's order). */
        BGR
    }

    /**
     * @throws IllegalArgumentException naming the field, its value and the allowed range if a value is out of range
     * @throws NullPointerException if an argument is null
     */
    public Preprocessing {
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        Objects.requireNonNull(channelOrder, "channelOrder");
        if (!(scale > 0) || Double.isInfinite(scale)) throw range("scale", scale, "> 0 and finite");
        mean = perChannel("mean", mean);
        std = perChannel("std", std);
        for (int c = 0; c < mean.length; c++) {
            if (!Float.isFinite(mean[c])) throw range("mean[" + c + "]", mean[c], "finite");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || Float.isInfinite(std[c])) throw range("std[" + c + "]", std[c], "> 0 and finite");
        }
    }

    /** This preprocessing with another scale. */
    public Preprocessing withScale(double scale) {
        return new Preprocessing(scale, mean, std, channelOrder);
    }

    /** This preprocessing with another mean and standard deviation (one value for all channels, or one per channel). */
    public Preprocessing withMeanAndStd(float[] mean, float[] std) {
        return new Preprocessing(scale, mean, std, channelOrder);
    }

    /** This preprocessing with another channel order. */
    public Preprocessing withChannelOrder(ChannelOrder channelOrder) {
        return new Preprocessing(scale, mean, std, channelOrder);
    }

    /** The mean of each channel (a copy): one value for every channel, or one per channel. */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** The standard deviation of each channel (a copy): one value for every channel, or one per channel. */
    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * Checks that this preprocessing fits a model of {@code channels} input channels: its mean and std have 1
     * value or one per channel. (Predicting from images needs 1 or 3 channels too; a model of other data is
     * trained and saved with any preprocessing that fits.)
     *
     * @throws IllegalArgumentException if not, naming the field and its values
     */
    public void requireChannels(int channels) {
        if (mean.length != 1 && mean.length != channels) {
            throw range("mean", Arrays.toString(mean), "1 value or " + channels + " (one per input channel)");
        }
        if (std.length != 1 && std.length != channels) {
            throw range("std", Arrays.toString(std), "1 value or " + channels + " (one per input channel)");
        }
    }

    /**
     * {@code image} as the input of a model of {@code channels x height x width}: that many floats, channel by
     * channel, row by row (alpha is ignored).
     *
     * @throws IllegalArgumentException if channels is not 1 or 3, this preprocessing does not fit them
     *     ({@link #requireChannels}), a size is below 1 or height x width is more than
     *     {@link ImageFolderReader#MAX_PIXELS}
     */
    public float[] apply(BufferedImage image, int channels, int height, int width) {
        Objects.requireNonNull(image, "image");
        return apply(DecodedImage.of(image), channels, height, width);
    }

    /**
     * The encoded PNG, JPEG or BMP image {@code encodedImage} as the input of a model of
     * {@code channels x height x width}, as {@link #apply(BufferedImage, int, int, int)}.
     *
     * @throws DataFormatException if the bytes are not a PNG, JPEG or BMP image that decodes, or it has more than
     *     {@link ImageFolderReader#MAX_PIXELS} pixels
     * @throws IllegalArgumentException as {@link #apply(BufferedImage, int, int, int)}
     */
    public float[] apply(byte[] encodedImage, int channels, int height, int width) throws DataFormatException {
        Objects.requireNonNull(encodedImage, "encodedImage");
        requireShape(channels, height, width);
        return apply(ImageDecoder.decode(encodedImage), channels, height, width);
    }

    /** A decoded image as a model's input; the one place jdnn prepares an image, for every way images come in. */
    float[] apply(DecodedImage decoded, int channels, int height, int width) {
        requireShape(channels, height, width);
        DecodedImage image = decoded.withChannels(channels).resized(height, width);
        int plane = height * width;
        float[] input = new float[channels * plane];
        float[] samples = image.planes();
        // 1/255 of the 8-bit scale is 1.0f on the [0, 1] scale the decoder gives: default values stay exact.
        float factor = (float) (scale * 255);
        for (int c = 0; c < channels; c++) {
            int from = (channels == 3 && channelOrder == ChannelOrder.BGR ? 2 - c : c) * plane;
            float m = mean[mean.length == 1 ? 0 : c];
            float s = std[std.length == 1 ? 0 : c];
            for (int i = 0; i < plane; i++) input[c * plane + i] = (samples[from + i] * factor - m) / s;
        }
        return input;
    }

    private void requireShape(int channels, int height, int width) {
        requireImageChannels(channels);
        requireChannels(channels);
        requireImageSize(height, width);
    }

    /**
     * @throws IllegalArgumentException unless {@code height x width} is at least 1 x 1 and at most
     *     {@link ImageFolderReader#MAX_PIXELS} pixels, the most an image may have: a model input of 65536 x 65536
     *     made its int sizes wrap (issue 20), and a larger target would be a resize to more than any image holds
     */
    static void requireImageSize(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("height and width must be at least 1, got %d x %d".formatted(height, width));
        }
        if ((long) height * width > ImageFolderReader.MAX_PIXELS) {
            throw new IllegalArgumentException("images prepared at %d x %d (height x width) would have %d pixels, more than the %d an image may have"
                    .formatted(height, width, (long) height * width, ImageFolderReader.MAX_PIXELS));
        }
    }

    /** @throws IllegalArgumentException unless {@code channels} is 1 or 3, the channels an image can give */
    static void requireImageChannels(int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images give 1 (gray) or 3 (colour) channels, the model takes " + channels);
        }
    }

    private static float[] perChannel(String name, float[] values) {
        if (values.length == 0) throw range(name, "[]", "1 value, or one per input channel");
        return values.clone();
    }

    private static IllegalArgumentException range(String name, Object value, String allowed) {
        return new IllegalArgumentException("preprocessing " + name + " = " + value + " is out of range; allowed: "
                + allowed);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Preprocessing p && Double.compare(scale, p.scale) == 0 && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std) && channelOrder == p.channelOrder;
    }

    @Override
    public int hashCode() {
        return Objects.hash(scale, Arrays.hashCode(mean), Arrays.hashCode(std), channelOrder);
    }

    @Override
    public String toString() {
        return "Preprocessing[scale=" + scale + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std)
                + ", channelOrder=" + channelOrder + "]";
    }
}
