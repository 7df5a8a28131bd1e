package dev.jdnn.peers.onnxruntime;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST's 10,000 test images as W1 feeds them (shared/W1.md): IDX files (gzip-compressed or not),
 * pixels as float32 value / 255 in N x 1 x 28 x 28 order, labels 0..9. Read here rather than through jdnn, so
 * that this program depends on ONNX Runtime alone.
 */
record TestSet(float[] pixels, int[] labels, int count, int imageFloats) {
    static TestSet read(Path folder) throws IOException {
        int[] imageHeader;
        byte[] images;
        try (DataInputStream in = open(folder, "t10k-images-idx3-ubyte")) {
            imageHeader = header(in, 0x803, 3);
            images = in.readNBytes(imageHeader[0] * imageHeader[1] * imageHeader[2]);
        }
        int[] labelHeader;
        byte[] labelBytes;
        try (DataInputStream in = open(folder, "t10k-labels-idx1-ubyte")) {
            labelHeader = header(in, 0x801, 1);
            labelBytes = in.readNBytes(labelHeader[0]);
        }
        int count = imageHeader[0];
        int imageFloats = imageHeader[1] * imageHeader[2];
        if (labelHeader[0] != count || images.length != count * imageFloats || labelBytes.length != count) {
            throw new IOException(folder + ": the test images and labels do not match (" + count + " images of "
                    + imageFloats + " pixels, " + labelHeader[0] + " labels) or a file is truncated");
        }
        float[] pixels = new float[images.length];
        for (int i = 0; i < images.length; i++) pixels[i] = (images[i] & 0xFF) / 255f;
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) labels[i] = labelBytes[i] & 0xFF;
        return new TestSet(pixels, labels, count, imageFloats);
    }

    /** Copies image {@code index mod count} into {@code into} at {@code offset} floats. */
    void copyImage(int index, float[] into, int offset) {
        System.arraycopy(pixels, (index % count) * imageFloats, into, offset, imageFloats);
    }

    private static DataInputStream open(Path folder, String name) throws IOException {
        Path gz = folder.resolve(name + ".gz");
        Path plain = folder.resolve(name);
        if (Files.isRegularFile(gz)) return new DataInputStream(new GZIPInputStream(Files.newInputStream(gz), 1 << 16));
        if (Files.isRegularFile(plain)) return new DataInputStream(Files.newInputStream(plain));
        throw new IOException("neither " + gz + " nor " + plain + " exists (Debian's dataset-fashion-mnist installs them)");
    }

    /** Checks the magic number (type 0x08 = unsigned byte, then the rank) and returns the dimensions. */
    private static int[] header(InputStream stream, int magic, int rank) throws IOException {
        DataInputStream in = (DataInputStream) stream;
        int found = in.readInt();
        if (found != magic) {
            throw new IOException(String.format("an IDX file of rank %d has magic 0x%08x, found 0x%08x", rank, magic, found));
        }
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = in.readInt();
        return dims;
    }
}
