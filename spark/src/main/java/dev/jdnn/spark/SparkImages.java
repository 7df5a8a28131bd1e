package dev.jdnn.spark;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import org.apache.spark.sql.Row;

/**
 * Spark's image structs ({@code org.apache.spark.ml.image.ImageSchema}, which the {@code image} data source gives) as
 * Java images: {@code height} rows of {@code width} pixels of {@code nChannels} 8-bit samples in OpenCV's order
 * (gray, BGR or BGRA) in {@code data}, described by the OpenCV type {@code mode}.
 */
final class SparkImages {
    /** OpenCV's CV_8UC1, CV_8UC3 and CV_8UC4: the modes Spark's image source writes, by channel count. */
    private static final int CV_8UC1 = 0;
    private static final int CV_8UC3 = 16;
    private static final int CV_8UC4 = 24;

    private SparkImages() {}

    /**
     * The image of an image struct, as a gray, BGR or ABGR {@link BufferedImage} of the same samples.
     *
     * @throws IllegalArgumentException if the struct is not an 8-bit image of 1, 3 or 4 channels whose data holds
     *     height x width x nChannels bytes
     */
    static BufferedImage toBufferedImage(Row image) {
        int height = image.<Integer>getAs("height");
        int width = image.<Integer>getAs("width");
        int channels = image.<Integer>getAs("nChannels");
        int mode = image.<Integer>getAs("mode");
        byte[] data = image.getAs("data");
        int expectedMode = switch (channels) {
            case 1 -> CV_8UC1;
            case 3 -> CV_8UC3;
            case 4 -> CV_8UC4;
            default -> -1;
        };
        if (expectedMode < 0 || mode != expectedMode) {
            throw new IllegalArgumentException("an image struct of " + channels + " channels in OpenCV mode " + mode
                    + "; allowed: 8-bit images of 1, 3 or 4 channels (modes " + CV_8UC1 + ", " + CV_8UC3 + ", "
                    + CV_8UC4 + ")");
        }
        if (height < 1 || width < 1 || data == null || data.length != (long) height * width * channels) {
            throw new IllegalArgumentException("an image struct of " + height + " x " + width + " x " + channels
                    + " (height x width x nChannels) holds " + (data == null ? "no" : data.length) + " bytes of data");
        }
        int type = switch (channels) {
            case 1 -> BufferedImage.TYPE_BYTE_GRAY;
            case 3 -> BufferedImage.TYPE_3BYTE_BGR;
            default -> BufferedImage.TYPE_4BYTE_ABGR;
        };
        BufferedImage result = new BufferedImage(width, height, type);
        byte[] samples = ((DataBufferByte) result.getRaster().getDataBuffer()).getData();
        if (channels < 4) {
            // TYPE_BYTE_GRAY and TYPE_3BYTE_BGR store their samples as OpenCV does: gray, or B, G, R per pixel.
            System.arraycopy(data, 0, samples, 0, data.length);
        } else {
            for (int i = 0; i < data.length; i += 4) { // B, G, R, A -> A, B, G, R
                samples[i] = data[i + 3];
                samples[i + 1] = data[i];
                samples[i + 2] = data[i + 1];
                samples[i + 3] = data[i + 2];
            }
        }
        return result;
    }
}
