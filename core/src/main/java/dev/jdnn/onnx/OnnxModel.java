package dev.jdnn.onnx;

import dev.jdnn.internal.files.FileKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ONNX model as read from a {@code .onnx} file ({@code ModelProto}): what importing it needs, immutable. Files
 * written by {@code torch.onnx.export}, ONNX's own tools and jdnn's {@link OnnxExport} are read; what a model means
 * (its operators, their opsets) is left to the importer.
 * <p>The files may come from anywhere: a malformed or hostile one is refused with an {@link OnnxFormatException}
 * naming the file, where in the model the problem lies and what is allowed, never a crash, a hang or an unbounded
 * allocation. The reader is jdnn's own ({@link ProtoReader}, fuzzed by {@code OnnxReaderFuzzTest}): a protobuf
 * library would be jdnn's first dependency, for the few messages below. It allocates at most the file's bytes (its
 * tensors are views of them), {@link #MAX_ITEMS} values of structure and {@link #MAX_COPIED_BYTES} of tensor values
 * it has to decode, whatever the file claims.
 * <p>What it refuses beyond damage: tensor data kept in external files (save the model with
 * {@code onnx.save_model(model, path, save_as_external_data=False)}), split tensors (TensorProto.segment), sparse
 * initializers, element types outside {@link OnnxDataType}, non-tensor values (sequences, maps), attributes given
 * twice and models without a graph or an operator set. Subgraphs (the bodies of If and Loop) are not read at all.
 *
 * @param irVersion the ONNX IR version the file follows
 * @param opsetImports the operator sets its nodes use, at least one
 * @param metadata the model's metadata_props, in the file's order, keys distinct
 */
public record OnnxModel(long irVersion, List<OpsetId> opsetImports, String producerName, String producerVersion,
                        OnnxGraphProto graph, Map<String, String> metadata) {
    /**
     * The largest file read, 2 GiB less 8 bytes: protobuf refuses messages of 2 GiB and more (larger models keep
     * their weights in external files, which jdnn does not read), and the file is read into one array.
     */
    public static final int MAX_FILE_BYTES = Integer.MAX_VALUE - 8;
    /**
     * The most values of structure a model may have, in all: nodes, attributes, tensors, value infos, dimensions,
     * opset imports, metadata entries, the names in nodes' input and output lists and the elements of attributes'
     * lists. About 4 million, so that its objects take at most a few hundred MB whatever the file claims; the largest
     * torchvision CNNs have a few thousand.
     */
    public static final int MAX_ITEMS = 1 << 22;
    /** The most dimensions of a tensor or a value's shape; NumPy's limit until version 2. */
    public static final int MAX_RANK = 32;
    /**
     * The most bytes of tensor values the reader decodes into new arrays, in all (256 MiB): values kept as varints
     * (int32_data, int64_data, which expand up to 8 times) or split into several runs. Exporters write weights as
     * raw_data, which is not copied; the typed fields hold small constants.
     */
    public static final long MAX_COPIED_BYTES = 1L << 28;

    /**
     * An operator set a model imports ({@code OperatorSetIdProto}).
     *
     * @param domain empty (or "ai.onnx") for ONNX's operators
     */
    public record OpsetId(String domain, long version) {
        public OpsetId {
            Objects.requireNonNull(domain, "domain");
        }
    }

    public OnnxModel {
        Objects.requireNonNull(producerName, "producerName");
        Objects.requireNonNull(producerVersion, "producerVersion");
        Objects.requireNonNull(graph, "graph");
        opsetImports = List.copyOf(opsetImports);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Reads the ONNX model in {@code file}.
     *
     * @throws NoSuchFileException if there is no such file
     * @throws FileSystemException if it is a folder
     * @throws OnnxFormatException naming the problem if the file is not an ONNX model jdnn reads, is larger than
     *     {@link #MAX_FILE_BYTES}, or is not a regular file (a FIFO, a device), which is refused before it is opened
     * @throws IOException if it cannot be read
     */
    public static OnnxModel read(Path file) throws IOException {
        FileKind kind = FileKind.of(file);
        if (kind == FileKind.FOLDER) throw new FileSystemException(file.toString(), null, "a folder, not an ONNX file");
        if (kind != FileKind.REGULAR_FILE) {
            throw new OnnxFormatException(file.toString(), kind.notRegular() + "; an ONNX model must be a regular file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > MAX_FILE_BYTES) throw tooLarge(file.toString(), size + " bytes");
            ByteBuffer bytes = ByteBuffer.allocate((int) size);
            while (bytes.hasRemaining()) {
                if (channel.read(bytes) < 0) {
                    throw new OnnxFormatException(file.toString(), "the file ended at byte " + bytes.position()
                            + " of the " + size + " it had when opened: it changed while it was read");
                }
            }
            return OnnxModelParser.parse(bytes.array(), file.toString());
        }
    }

    /**
     * Reads the ONNX model that {@code in} holds, to the stream's end (protobuf marks no end of its own), at most
     * {@link #MAX_FILE_BYTES}; see {@link #read(InputStream, String, int)}.
     */
    public static OnnxModel read(InputStream in, String name) throws IOException {
        return read(in, name, MAX_FILE_BYTES);
    }

    /**
     * Reads the ONNX model that {@code in} holds, to the stream's end (protobuf marks no end of its own); the stream
     * is left open. Its bytes are held in memory as they arrive: a stream longer than {@code maxBytes} is refused
     * after that many bytes, before more is held.
     *
     * @param name what the messages call the stream, such as a resource name
     * @param maxBytes the most bytes read, at most {@link #MAX_FILE_BYTES}
     * @throws OnnxFormatException naming the problem if the bytes are not an ONNX model jdnn reads, or the stream
     *     holds more than {@code maxBytes}
     * @throws IOException if the stream cannot be read
     */
    public static OnnxModel read(InputStream in, String name, int maxBytes) throws IOException {
        Objects.requireNonNull(name, "name");
        if (maxBytes < 0 || maxBytes > MAX_FILE_BYTES) {
            throw new IllegalArgumentException("maxBytes is 0 to " + MAX_FILE_BYTES + ", not " + maxBytes);
        }
        byte[] bytes = in.readNBytes(maxBytes);
        if (in.read() >= 0) throw tooLarge(name, "more than " + maxBytes + " bytes");
        return OnnxModelParser.parse(bytes, name);
    }

    /**
     * Reads the ONNX model in {@code bytes}, a copy of which the model keeps (its tensors are views of it).
     *
     * @param name what the messages call the bytes
     * @throws OnnxFormatException naming the problem if the bytes are not an ONNX model jdnn reads
     */
    public static OnnxModel read(byte[] bytes, String name) throws OnnxFormatException {
        Objects.requireNonNull(name, "name");
        if (bytes.length > MAX_FILE_BYTES) throw tooLarge(name, bytes.length + " bytes");
        return OnnxModelParser.parse(bytes.clone(), name);
    }

    private static OnnxFormatException tooLarge(String source, String size) {
        return new OnnxFormatException(source, size + ": jdnn reads ONNX models of at most " + MAX_FILE_BYTES
                + " bytes (protobuf's limit of 2 GiB); a larger model keeps its weights in external data files,"
                + " which jdnn does not read");
    }
}
