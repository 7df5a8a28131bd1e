package dev.jdnn.hardening;

import dev.jdnn.SimpleCNN;
import dev.jdnn.SimpleCNNBuilder;
import dev.jdnn.onnx.OnnxExport;
import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.BatchNorm1D;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Dropout;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.GlobalAveragePooling2D;
import dev.jdnn.layers.Graph;
import dev.jdnn.layers.GraphBuilder;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.Pads;
import dev.jdnn.layers.PoolMode;
import dev.jdnn.layers.Pooling2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/**
 * Writes the seed inputs of the fuzz tests: small valid files of each kind, from which the fuzzer mutates. They are
 * committed under src/test/resources/dev/jdnn/hardening/*FuzzTestInputs/; run this again only to change them:
 * {@code java --enable-native-access=ALL-UNNAMED -cp <test class path> dev.jdnn.hardening.FuzzSeeds src/test/resources}.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {}

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]).resolve("dev/jdnn/hardening");
        idxSeeds(root.resolve("IdxReaderFuzzTestInputs"));
        imageSeeds(root.resolve("ImageFolderFuzzTestInputs"));
        modelSeeds(root.resolve("ModelFileFuzzTestInputs"));
        imageBytesSeeds(root.resolve("ImageFolderFuzzTestInputs"), root.resolve("ImageBytesFuzzTestInputs"));
        onnxSeeds(Path.of(args[0]).resolve("fixtures/onnx"), root.resolve("OnnxReaderFuzzTestInputs"));
    }

    private static void idxSeeds(Path inputs) throws IOException {
        byte[] images = idx(0x08, new int[] {2, 3, 3}, 1, out -> {
            for (int i = 0; i < 18; i++) out.writeByte(i * 14);
        });
        byte[] labels = idx(0x08, new int[] {2}, 1, out -> out.write(new byte[] {3, 7}));
        byte[] signed = idx(0x09, new int[] {4}, 1, out -> out.write(new byte[] {-128, -1, 0, 127}));
        byte[] shorts = idx(0x0B, new int[] {2, 2}, 2, out -> {
            for (int v : new int[] {-32768, -1, 0, 32767}) out.writeShort(v);
        });
        byte[] ints = idx(0x0C, new int[] {3}, 4, out -> {
            for (int v : new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}) out.writeInt(v);
        });
        byte[] floats = idx(0x0D, new int[] {1, 3}, 4, out -> {
            for (float v : new float[] {-1.5f, 0f, 3.25f}) out.writeFloat(v);
        });
        byte[] doubles = idx(0x0E, new int[] {2}, 8, out -> {
            out.writeDouble(-2.5);
            out.writeDouble(1e-3);
        });
        Path file = Files.createDirectories(inputs.resolve("readFile"));
        Path stream = Files.createDirectories(inputs.resolve("readCompressedStream"));
        write(file, "images-ubyte-2x3x3.idx", images);
        write(file, "images-ubyte-2x3x3.idx.gz", gzip(images));
        write(file, "labels-ubyte-2.idx", labels);
        write(file, "labels-ubyte-2.idx.gz", gzip(labels));
        write(file, "short-2x2.idx", shorts);
        write(file, "double-2.idx.gz", gzip(doubles));
        // The stream test compresses its input itself: its seeds are raw IDX bytes.
        write(stream, "images-ubyte-2x3x3.idx", images);
        write(stream, "labels-ubyte-2.idx", labels);
        write(stream, "byte-4.idx", signed);
        write(stream, "short-2x2.idx", shorts);
        write(stream, "int-3.idx", ints);
        write(stream, "float-1x3.idx", floats);
        write(stream, "double-2.idx", doubles);
    }

    @FunctionalInterface
    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** Big-endian IDX bytes: 0, 0, type code, rank, the dimensions, then the body. */
    private static byte[] idx(int type, int[] dims, int elementBytes, Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(type << 8 | dims.length);
            for (int d : dims) out.writeInt(d);
            body.write(out);
        }
        int elements = 1;
        for (int d : dims) elements *= d;
        if (bytes.size() != 4 + 4 * dims.length + elements * elementBytes) throw new IllegalStateException("seed size");
        return bytes.toByteArray();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(raw);
        }
        return bytes.toByteArray();
    }

    private static void imageSeeds(Path inputs) throws IOException {
        Path folder = Files.createDirectories(inputs.resolve("readFolder"));
        write(folder, "gray-8bit-5x4.png", image(new BufferedImage(4, 5, BufferedImage.TYPE_BYTE_GRAY), "png"));
        write(folder, "gray-16bit-3x3.png", image(new BufferedImage(3, 3, BufferedImage.TYPE_USHORT_GRAY), "png"));
        write(folder, "rgb-4x4.png", image(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png"));
        write(folder, "argb-2x3.png", image(new BufferedImage(3, 2, BufferedImage.TYPE_INT_ARGB), "png"));
        write(folder, "palette-4x4.png", image(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED), "png"));
        write(folder, "rgb-4x3.bmp", image(new BufferedImage(3, 4, BufferedImage.TYPE_3BYTE_BGR), "bmp"));
        write(folder, "gray-4x4.bmp", image(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY), "bmp"));
        write(folder, "rgb-8x8.jpg", image(new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR), "jpeg"));
        // Issue 20: a valid header claiming 65536 x 65536 pixels, refused from the header before the decoder allocates.
        write(folder, "png-header-65536x65536", pngHeader(65536, 65536));
    }

    /** The in-memory image path (issue 20) starts from the folder's seeds. */
    private static void imageBytesSeeds(Path folderSeeds, Path inputs) throws IOException {
        Path decode = Files.createDirectories(inputs.resolve("decode"));
        try (var seeds = Files.list(folderSeeds.resolve("readFolder"))) {
            for (Path seed : seeds.toList()) write(decode, seed.getFileName().toString(), Files.readAllBytes(seed));
        }
    }

    /** A gray 8-bit PNG whose IHDR (with its CRC) claims width x height, and an IDAT of one row. */
    private static byte[] pngHeader(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream header = new DataOutputStream(ihdr);
        header.writeInt(width);
        header.writeInt(height);
        header.write(new byte[] {8, 0, 0, 0, 0});
        chunk(out, "IHDR", ihdr.toByteArray());
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (var deflater = new DeflaterOutputStream(idat)) {
            deflater.write(new byte[1 + 16]);
        }
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return bytes.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes(StandardCharsets.US_ASCII));
        crc.update(data);
        out.writeInt(data.length);
        out.writeBytes(type);
        out.write(data);
        out.writeInt((int) crc.getValue());
    }

    /** The image with a deterministic pattern, encoded as {@code format}. */
    private static byte[] image(BufferedImage image, String format) throws IOException {
        for (int y = 0; y < image.getHeight(); y++)
            for (int x = 0; x < image.getWidth(); x++) image.setRGB(x, y, 0xFF000000 | (x * 60) << 16 | (y * 50) << 8 | 128);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, bytes)) throw new IllegalStateException("no " + format + " writer");
        return bytes.toByteArray();
    }

    /**
     * A tiny model fitted on a few 1 x 4 x 4 images, in several configurations, a checkpoint, and a model of a graph
     * of every operation with its checkpoint, all in the version this jdnn writes. The seeds named {@code v1-*} are
     * version-1 files that an earlier jdnn wrote from the same code: kept as they are (nothing writes version 1 now),
     * they keep the fuzzer on the version-1 reader.
     */
    private static void modelSeeds(Path inputs) throws IOException {
        float[][][][] images = tinyImages();
        int[] labels = tinyLabels();
        Path scratch = Files.createTempDirectory("fuzz-seeds");
        SimpleCNNBuilder tiny = SimpleCNN.builder().inChannels(1).inFeatures(List.of(8, 3)).outChannels(2)
                .outFeatures(2).epochs(2).batchSize(5).threads(1).seed(1).progress(false);
        List<SimpleCNNBuilder> variants = List.of(tiny,
                SimpleCNN.builder().inChannels(1).inFeatures(8).outChannels(2).outFeatures(2).batchNorm(false)
                        .poolMode("avg").optimizer("sgd").initializer("xavier-uniform").activation("tanh").epochs(1)
                        .batchSize(4).threads(1).seed(2).progress(false),
                SimpleCNN.builder().inChannels(List.of(1, 2)).inFeatures(List.of(12, 2)).outChannels(3).outFeatures(2)
                        .pooling(false).padding("valid").filterSize(2).dropout(false).optimizer("momentum")
                        .earlyStopping(true).patience(1).epochs(1).batchSize(6).threads(1).seed(3).progress(false));
        List<Path> files = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            try (SimpleCNN model = variants.get(v).build()) {
                model.progressTo(new PrintStream(OutputStream.nullOutputStream()));
                if (v == 0) model.checkpointTo(scratch);
                model.fit(images, labels);
                Path file = scratch.resolve("model-" + v + ".jdnn");
                model.save(file);
                files.add(file);
            }
        }
        files.add(scratch.resolve(SimpleCNN.LAST_CHECKPOINT));
        Path graphCheckpoints = Files.createDirectories(scratch.resolve("graph"));
        try (SimpleCNN model = SimpleCNN.builder().graph(everyOperation()).epochs(2).batchSize(5).threads(1).seed(4)
                .build()) {
            model.progressTo(new PrintStream(OutputStream.nullOutputStream())).checkpointTo(graphCheckpoints);
            model.fit(images, labels);
            Path file = scratch.resolve("graph.jdnn");
            model.save(file);
            files.add(file);
            Path checkpoint = scratch.resolve("graph-last.jdnn");
            Files.move(graphCheckpoints.resolve(SimpleCNN.LAST_CHECKPOINT), checkpoint);
            files.add(checkpoint);
        }
        for (String method : List.of("load", "loadWithValidChecksum")) {
            Path folder = Files.createDirectories(inputs.resolve(method));
            for (Path file : files) write(folder, file.getFileName().toString(), Files.readAllBytes(file));
            // Issue 20: a header length of 2^31 - 101 ran the heap out; the stream reader cannot see the size first.
            write(folder, "header-length-2147483547", ModelFileBytes.withChecksum(ByteBuffer.allocate(
                    ModelFileBytes.PREFIX + 64).order(ByteOrder.LITTLE_ENDIAN)
                    .put("JDNNMODL".getBytes(StandardCharsets.US_ASCII)).putInt(1).putLong(Integer.MAX_VALUE - 100L)
                    .put("{}".getBytes(StandardCharsets.US_ASCII)).array()));
        }
        try (var leftovers = Files.walk(scratch)) {
            for (Path p : leftovers.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** 12 images of 1 x 4 x 4 for the tiny models. */
    private static float[][][][] tinyImages() {
        float[][][][] images = new float[12][1][4][4];
        for (int i = 0; i < images.length; i++) {
            for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) images[i][0][y][x] = (i * 16 + y * 4 + x) % 7 / 7f;
        }
        return images;
    }

    private static int[] tinyLabels() {
        int[] labels = new int[12];
        for (int i = 0; i < labels.length; i++) labels[i] = i % 2;
        return labels;
    }

    /**
     * The ONNX files of the reader's tests (written by torch.onnx.export and onnx.helper: make_onnx_fixtures.py) and
     * a tiny model exported by jdnn with batch norm as nodes and folded; for readGraph, the GraphProto of each.
     */
    private static void onnxSeeds(Path fixtures, Path inputs) throws IOException {
        java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        for (String name : List.of("tiny_conv_opset13.onnx", "all_fields.onnx")) {
            files.put(name, Files.readAllBytes(fixtures.resolve(name)));
        }
        // PyTorch exports that the import takes whole, so that mutations reach its operators.
        for (String name : List.of("residual", "mobile", "seed")) {
            files.put("import_" + name + "_opset13.onnx",
                    Files.readAllBytes(fixtures.resolveSibling("onnx-import").resolve(name + "_opset13.onnx")));
        }
        try (SimpleCNN model = SimpleCNN.builder().inChannels(1).inFeatures(List.of(8, 3)).outChannels(2)
                .outFeatures(2).activation("relu6").epochs(1).batchSize(6).threads(1).seed(4).progress(false).build()) {
            model.fit(tinyImages(), tinyLabels());
            for (OnnxExport.BatchNormMode mode : OnnxExport.BatchNormMode.values()) {
                files.put("jdnn-" + mode.name().toLowerCase(java.util.Locale.ROOT) + ".onnx",
                        OnnxExport.toBytes(model, mode));
            }
        }
        Path read = Files.createDirectories(inputs.resolve("read"));
        Path readGraph = Files.createDirectories(inputs.resolve("readGraph"));
        for (var file : files.entrySet()) {
            write(read, file.getKey(), file.getValue());
            write(readGraph, file.getKey().replace(".onnx", ".graph"), graphOf(file.getValue()));
        }
    }

    /** The bytes of a ModelProto's graph field (7), found by walking its top-level fields. */
    private static byte[] graphOf(byte[] model) {
        ByteBuffer in = ByteBuffer.wrap(model);
        while (in.hasRemaining()) {
            long tag = varint(in);
            switch ((int) (tag & 7)) {
                case 0 -> varint(in);
                case 1 -> in.position(in.position() + 8);
                case 5 -> in.position(in.position() + 4);
                default -> {
                    int length = (int) varint(in);
                    if (tag >>> 3 == 7) return Arrays.copyOfRange(model, in.position(), in.position() + length);
                    in.position(in.position() + length);
                }
            }
        }
        throw new IllegalArgumentException("no graph in the model");
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) return value;
        }
    }

    /**
     * A graph of every operation a version-2 file stores on 1 x 4 x 4 images, with attributes off their defaults:
     * a dilated, grouped, asymmetrically padded branch, a residual add, a gating mul, a concat, average pooling that
     * counts its pads, both batch norms and a dropout.
     */
    private static Graph everyOperation() {
        GraphBuilder b = new GraphBuilder(1, 4, 4);
        GraphBuilder.Value stem = b.apply("stem", new Convolution2D(1, 2, 3, 1, Padding.SAME).withoutBias(), b.input());
        stem = b.apply("act", new Activation(ActivationFunction.LEAKY_RELU, 0.1), b.apply("bn", new BatchNorm2D(2), stem));
        GraphBuilder.Value branch = b.apply("branch", new Convolution2D(2, 2, 2, 1, new Pads(1, 0, 1, 2), 2, 2), stem);
        GraphBuilder.Value gate = b.apply("gate", new Activation(ActivationFunction.SIGMOID),
                b.apply("squeeze", new GlobalAveragePooling2D(), stem));
        GraphBuilder.Value joined = b.concat(b.add(stem, branch), b.mul(stem, gate));
        GraphBuilder.Value pooled = b.apply("pool", new Pooling2D(2, 2, PoolMode.AVG, new Pads(1, 1, 0, 0), true), joined);
        GraphBuilder.Value h = b.apply("fc", new Dense(16, 3), b.apply("flat", new Flatten(), pooled));
        h = b.apply("drop", new Dropout(0.2, 5), b.apply("bn1", new BatchNorm1D(3), h));
        return b.build(b.apply("out", new Dense(3, 2), h));
    }

    private static void write(Path folder, String name, byte[] bytes) throws IOException {
        Files.write(folder.resolve(name), bytes);
    }
}
