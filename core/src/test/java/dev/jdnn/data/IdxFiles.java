package dev.jdnn.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX bytes for tests with DataOutputStream, independently of the reader's decoding. */
public final class IdxFiles {
    private IdxFiles() {}

    /** A header: zero, zero, type code, rank, then the dimensions (written as unsigned 32-bit). */
    static byte[] header(int typeCode, long... dims) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(0);
            out.writeByte(0);
            out.writeByte(typeCode);
            out.writeByte(dims.length);
            for (long dim : dims) out.writeInt((int) dim);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A complete file: header, then {@code values} encoded big-endian as {@code type}. */
    static byte[] file(IdxType type, int[] dims, double[] values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] longDims = new long[dims.length];
        for (int i = 0; i < dims.length; i++) longDims[i] = dims[i];
        bytes.writeBytes(header(type.code(), longDims));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (double v : values) {
                switch (type) {
                    case UBYTE, BYTE -> out.writeByte((int) v);
                    case SHORT -> out.writeShort((int) v);
                    case INT -> out.writeInt((int) v);
                    case FLOAT -> out.writeFloat((float) v);
                    case DOUBLE -> out.writeDouble(v);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content) throws IOException {
        return Files.write(file, content);
    }

    /** A byte array made of the given parts, in order. */
    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) bytes.writeBytes(part);
        return bytes.toByteArray();
    }

    /**
     * Writes {@code set} (whose values are k / 255) as Fashion-MNIST ships it: big-endian unsigned bytes in
     * {@code <part>-images-idx3-ubyte} and {@code <part>-labels-idx1-ubyte} inside {@code folder}.
     */
    public static void writeUbyte(Dataset set, Path folder, String part) throws IOException {
        try (DataOutputStream images = new DataOutputStream(Files.newOutputStream(folder.resolve(part + "-images-idx3-ubyte")));
             DataOutputStream labels = new DataOutputStream(Files.newOutputStream(folder.resolve(part + "-labels-idx1-ubyte")))) {
            images.writeInt(0x0803);
            images.writeInt(set.count());
            images.writeInt(set.height());
            images.writeInt(set.width());
            labels.writeInt(0x0801);
            labels.writeInt(set.count());
            for (int i = 0; i < set.count(); i++) {
                for (float v : set.image(i)) images.writeByte(Math.round(v * 255));
                labels.writeByte(set.label(i));
            }
        }
    }
}
