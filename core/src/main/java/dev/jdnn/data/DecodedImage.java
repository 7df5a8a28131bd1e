package dev.jdnn.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;

/**
 * One image as float planes in [0, 1]: one plane if the image is gray, three (R, G, B) otherwise.
 *
 * @param planes {@code channels * height * width} values, CHW
 */
record DecodedImage(int channels, int height, int width, float[] planes) {
    private static final float[] LUMA = {0.299f, 0.587f, 0.114f};

    /**
     * Decodes a buffered image. Gray images (a gray color space, or a palette of grays) keep their stored
     * sample values, so 16-bit grays keep their precision; other images are read as 8-bit sRGB. Alpha is
     * ignored.
     */
    static DecodedImage of(BufferedImage image) {
        int height = image.getHeight();
        int width = image.getWidth();
        ColorModel model = image.getColorModel();
        if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(model instanceof IndexColorModel)) {
            // Raw samples: getRGB would convert linear gray to sRGB and change the values.
            int[] samples = image.getRaster().getSamples(0, 0, width, height, 0, (int[]) null);
            float max = (1 << model.getComponentSize(0)) - 1;
            float[] plane = new float[samples.length];
            for (int i = 0; i < plane.length; i++) plane[i] = samples[i] / max;
            return new DecodedImage(1, height, width, plane);
        }
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        if (model instanceof IndexColorModel palette && isGray(palette)) {
            float[] plane = new float[argb.length];
            for (int i = 0; i < plane.length; i++) plane[i] = (argb[i] & 0xFF) / 255f;
            return new DecodedImage(1, height, width, plane);
        }
        int size = height * width;
        float[] planes = new float[3 * size];
        for (int i = 0; i < size; i++) {
            planes[i] = (argb[i] >> 16 & 0xFF) / 255f;
            planes[size + i] = (argb[i] >> 8 & 0xFF) / 255f;
            planes[2 * size + i] = (argb[i] & 0xFF) / 255f;
        }
        return new DecodedImage(3, height, width, planes);
    }

    private static boolean isGray(IndexColorModel palette) {
        for (int i = 0; i < palette.getMapSize(); i++) {
            int red = palette.getRed(i);
            if (palette.getGreen(i) != red || palette.getBlue(i) != red) return false;
        }
        return true;
    }

    /**
     * This image with {@code target} channels: gray is repeated into R, G and B; colour becomes gray by the
     * ITU-R BT.601 luma weights 0.299 R + 0.587 G + 0.114 B.
     */
    DecodedImage withChannels(int target) {
        if (target == channels) return this;
        int size = height * width;
        float[] converted = new float[target * size];
        if (target == 3) {
            for (int c = 0; c < 3; c++) System.arraycopy(planes, 0, converted, c * size, size);
        } else {
            for (int i = 0; i < size; i++) {
                converted[i] = LUMA[0] * planes[i] + LUMA[1] * planes[size + i] + LUMA[2] * planes[2 * size + i];
            }
        }
        return new DecodedImage(target, height, width, converted);
    }

    /**
     * This image resized by bilinear interpolation with half-pixel centres and no antialiasing, as PyTorch's
     * {@code interpolate(mode="bilinear", align_corners=False)} does.
     */
    DecodedImage resized(int newHeight, int newWidth) {
        if (newHeight == height && newWidth == width) return this;
        float[] resized = new float[channels * newHeight * newWidth];
        for (int y = 0; y < newHeight; y++) {
            float sy = source(y, height, newHeight);
            int y0 = (int) sy;
            int y1 = Math.min(y0 + 1, height - 1);
            float fy = sy - y0;
            for (int x = 0; x < newWidth; x++) {
                float sx = source(x, width, newWidth);
                int x0 = (int) sx;
                int x1 = Math.min(x0 + 1, width - 1);
                float fx = sx - x0;
                for (int c = 0; c < channels; c++) {
                    int plane = c * height * width;
                    float top = (1 - fx) * planes[plane + y0 * width + x0] + fx * planes[plane + y0 * width + x1];
                    float bottom = (1 - fx) * planes[plane + y1 * width + x0] + fx * planes[plane + y1 * width + x1];
                    resized[(c * newHeight + y) * newWidth + x] = (1 - fy) * top + fy * bottom;
                }
            }
        }
        return new DecodedImage(channels, newHeight, newWidth, resized);
    }

    /** The source coordinate of output position {@code out}, clamped at 0 like PyTorch. */
    private static float source(int out, int inSize, int outSize) {
        float scale = (float) inSize / outSize;
        return Math.max(0f, scale * (out + 0.5f) - 0.5f);
    }
}
