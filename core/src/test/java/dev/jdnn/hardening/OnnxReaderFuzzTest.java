package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jdnn.onnx.OnnxAttribute;
import dev.jdnn.onnx.OnnxFormatException;
import dev.jdnn.onnx.OnnxGraphProto;
import dev.jdnn.onnx.OnnxImport;
import dev.jdnn.onnx.OnnxImportException;
import dev.jdnn.onnx.OnnxModel;
import dev.jdnn.onnx.OnnxNode;
import dev.jdnn.onnx.OnnxTensorProto;
import dev.jdnn.onnx.OnnxValueInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the ONNX reader (issue 17). {@link #read} takes the bytes as a whole file; {@link #readGraph} puts them as
 * the GraphProto of a valid ModelProto (IR version 7, opset 13), as an exporter would around a hostile graph, so
 * that mutations reach the nodes, attributes, tensors and value infos without first having to keep the outer length
 * right. The only exception allowed is OnnxFormatException; the bytes read from an array, a stream and a file must
 * give the same model or the same refusal, and a model read must give every tensor's values in its type's size; a
 * model read is imported too ({@link OnnxImport}), where the only exception allowed is OnnxImportException.
 * The committed inputs under {@code OnnxReaderFuzzTestInputs/} run as regression tests in every build;
 * RELIABILITY.md has the fuzzing command.
 */
class OnnxReaderFuzzTest {
    @TempDir
    static Path folder;

    @FuzzTest
    void read(byte[] bytes) throws IOException {
        String fromArray = readAndUse(bytes);
        Path file = Files.write(folder.resolve("fuzzed.onnx"), bytes);
        String fromFile = describe(() -> OnnxModel.read(file)).replace(file.toString(), "fuzzed.onnx");
        assertEquals(fromArray, fromFile, "an array and a file of the same bytes");
    }

    /** Reads no file: a file costs a write per input, and {@link #read} covers the file path. */
    @FuzzTest
    void readGraph(byte[] graph) throws IOException {
        readAndUse(modelAround(graph));
    }

    /** The bytes read from an array and from a stream, which must agree, described. */
    private static String readAndUse(byte[] bytes) throws IOException {
        String fromArray = describe(() -> OnnxModel.read(bytes, "fuzzed.onnx"));
        String fromStream = describe(() -> OnnxModel.read(new ByteArrayInputStream(bytes), "fuzzed.onnx"));
        assertEquals(fromArray, fromStream, "an array and a stream of the same bytes");
        return fromArray;
    }

    private interface Reader {
        OnnxModel read() throws IOException;
    }

    /** What the read gives, as text: the refusal's message, or every field of the model and its tensors' values. */
    private static String describe(Reader reader) throws IOException {
        OnnxModel model;
        try {
            model = reader.read();
        } catch (OnnxFormatException refused) {
            return "refused: " + refused.getMessage();
        }
        StringBuilder text = new StringBuilder().append(model.irVersion()).append(model.opsetImports())
                .append(model.producerName()).append(model.producerVersion()).append(model.metadata());
        OnnxGraphProto graph = model.graph();
        text.append(graph.name());
        for (OnnxNode node : graph.nodes()) {
            text.append(node.opType()).append(node.name()).append(node.domain()).append(node.inputs())
                    .append(node.outputs());
            for (OnnxAttribute a : node.attributes()) {
                assertTrue(node.attribute(a.name()).orElseThrow() == a, "attribute names are distinct");
                text.append(a.name()).append(a.type()).append(a.f()).append(a.i()).append(a.s()).append(a.floats())
                        .append(a.ints()).append(a.strings());
                if (a.t() != null) describe(a.t(), text);
            }
        }
        for (OnnxTensorProto tensor : graph.initializers()) describe(tensor, text);
        for (var infos : Arrays.asList(graph.inputs(), graph.outputs(), graph.valueInfo())) {
            for (OnnxValueInfo info : infos) text.append(info.name()).append(info.elemType()).append(info.shape());
        }
        // A model read goes on to the import, which refuses what it does not import with OnnxImportException only.
        try {
            text.append(OnnxImport.of(model, "fuzzed.onnx").graph());
        } catch (OnnxImportException refused) {
            text.append("import refused: ").append(refused.getMessage());
        }
        return text.toString();
    }

    private static void describe(OnnxTensorProto tensor, StringBuilder text) {
        long bytes = tensor.elementCount() * tensor.dataType().byteSize();
        assertEquals(bytes, tensor.data().byteSize(), "the values of " + tensor.name());
        int count = switch (tensor.dataType()) {
            case FLOAT, FLOAT16, BFLOAT16, DOUBLE -> tensor.floats().length;
            default -> tensor.longs().length;
        };
        assertEquals(tensor.elementCount(), count, "one value per element of " + tensor.name());
        text.append(tensor.name()).append(tensor.dataType()).append(tensor.dims())
                .append(Arrays.hashCode(tensor.data().toArray(ValueLayout.JAVA_BYTE)));
    }

    /** A ModelProto of IR version 7 whose graph (field 7) is {@code graph} and which imports opset 13. */
    static byte[] modelAround(byte[] graph) {
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        model.writeBytes(new byte[] {0x08, 0x07, 0x3A}); // ir_version 7; graph, length-delimited
        for (long v = graph.length; ; v >>>= 7) {
            if (v < 0x80) {
                model.write((int) v);
                break;
            }
            model.write((int) (v & 0x7F) | 0x80);
        }
        model.writeBytes(graph);
        model.writeBytes(new byte[] {0x42, 0x02, 0x10, 0x0D}); // opset_import { version: 13 }
        return model.toByteArray();
    }
}
