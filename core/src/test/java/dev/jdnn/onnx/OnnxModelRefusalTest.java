package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17: a malformed or hostile ONNX file gets an OnnxFormatException naming the file, the place and what is
 * allowed, never another exception, a hang or an allocation the file's bytes do not pay for: files cut short at every
 * byte and damaged at every byte, wrong wire types, lengths and dimensions claiming more than the file holds, varints
 * past 64 bits, deep nesting, the limits of {@link OnnxModel}, and what jdnn does not read (external data, other
 * element types, non-tensor values). OnnxReaderFuzzTest searches for what these miss.
 */
class OnnxModelRefusalTest {
    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    @TempDir
    Path folder;

    // --- building hostile files -------------------------------------------------------------------------------

    private static ProtoWriter opset() {
        return new ProtoWriter().string(1, "").int64(2, 13);
    }

    /** A ModelProto of IR version 7 and opset 13 around {@code graph}. */
    private static byte[] model(ProtoWriter graph) {
        return new ProtoWriter().int64(1, 7).message(7, graph).message(8, opset()).toByteArray();
    }

    /** A model whose graph's only initializer is {@code tensor}. */
    private static byte[] withInitializer(ProtoWriter tensor) {
        return model(new ProtoWriter().message(5, tensor));
    }

    /** A model whose graph's only node is {@code node}. */
    private static byte[] withNode(ProtoWriter node) {
        return model(new ProtoWriter().message(1, node));
    }

    /** A TensorProto named {@code name} of {@code dataType} and {@code dims}, holding no values yet. */
    private static ProtoWriter tensor(String name, int dataType, long... dims) {
        return new ProtoWriter().int64s(1, dims).int64(2, dataType).string(8, name);
    }

    private static ProtoWriter conv(ProtoWriter... attributes) {
        ProtoWriter node = new ProtoWriter().string(1, "x").string(2, "y").string(3, "c").string(4, "Conv");
        for (ProtoWriter attribute : attributes) node.message(5, attribute);
        return node;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }

    private static byte[] hex(String spaced) {
        return java.util.HexFormat.of().parseHex(spaced.replace(" ", ""));
    }

    /** Asserts that {@code bytes} are refused with an OnnxFormatException naming the source and {@code words}. */
    private static String refused(byte[] bytes, String... words) {
        OnnxFormatException e = assertThrowsExactly(OnnxFormatException.class,
                () -> OnnxModel.read(bytes, "hostile.onnx"));
        String message = e.getMessage();
        assertTrue(message.startsWith("hostile.onnx: "), message);
        for (String word : words) assertTrue(message.contains(word), "the message lacks '" + word + "': " + message);
        return message;
    }

    /** Reads {@code bytes}: refused with an OnnxFormatException, or read whole (each tensor's values readable). */
    private static boolean readsOrIsRefused(byte[] bytes) {
        OnnxModel model;
        try {
            model = OnnxModel.read(bytes, "damaged.onnx");
        } catch (OnnxFormatException refused) {
            return false;
        }
        for (OnnxTensorProto tensor : model.graph().initializers()) {
            assertEquals(tensor.elementCount() * tensor.dataType().byteSize(), tensor.data().byteSize());
        }
        return true;
    }

    // --- damaged files ----------------------------------------------------------------------------------------

    /** A torch export ends with its opset_import: every proper prefix lacks it or cuts a field short. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny_conv_opset13.onnx", "tiny_conv_opset17.onnx"})
    void aTorchExportCutShortAtAnyByteIsRefused(String name) throws IOException {
        byte[] bytes = OnnxModelReadTest.resource(name);
        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            try {
                OnnxModel.read(prefix, "cut.onnx");
                fail("the first " + length + " of " + bytes.length + " bytes were read");
            } catch (OnnxFormatException expected) {
                assertTrue(expected.getMessage().startsWith("cut.onnx: "), expected.getMessage());
            }
        }
    }

    /**
     * Any file cut short or with any one byte changed (to 0x00, 0xFF, or with its low or high bit flipped) is refused
     * as documented or read whole; a file whose metadata comes last may lose entries and still be a model.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tiny_conv_opset13.onnx", "all_fields.onnx"})
    void aFileCutShortOrDamagedAtAnyByteIsRefusedOrRead(String name) throws IOException {
        byte[] bytes = OnnxModelReadTest.resource(name);
        int read = 0;
        for (int length = 0; length < bytes.length; length++) if (readsOrIsRefused(Arrays.copyOf(bytes, length))) read++;
        for (int at = 0; at < bytes.length; at++) {
            byte original = bytes[at];
            for (int damaged : new int[] {0x00, 0xFF, original ^ 0x01, original ^ 0x80}) {
                bytes[at] = (byte) damaged;
                readsOrIsRefused(bytes);
            }
            bytes[at] = original;
        }
        assertTrue(name.startsWith("all_fields") ? read > 0 : read == 0, read + " prefixes read");
    }

    @Test
    void randomBytesAreRefusedOrRead() {
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            readsOrIsRefused(bytes);
        }
    }

    @Test
    void otherFilesAreNotOnnxModels() {
        refused(new byte[0], "the ModelProto: no ir_version (field 1)", "not an ONNX model");
        refused("JDNNMODL\u0001\u0000\u0000\u0000".getBytes(StandardCharsets.ISO_8859_1));
        refused("\u0089PNG\r\n\u001A\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    // --- the wire format --------------------------------------------------------------------------------------

    @Test
    void wireDamageIsRefusedWithTheFieldAndTheByte() {
        refused(hex("08 07 38 05"), "graph (field 7) has wire type 0 (varint); ONNX writes it as 2 (length-delimited)");
        refused(hex("08 07 3B"), "field 7 has wire type 3", "groups");
        refused(hex("08 07 3A 80 80 80 80 80 80 80 80 40"),
                "graph (field 7) claims 4611686018427387904 bytes but 0 remain in the ModelProto (at byte 3)");
        refused(hex("08 07 3A FF FF FF FF FF FF FF FF FF 01"), "claims 18446744073709551615 bytes");
        refused(hex("08 FF FF FF FF FF FF FF FF FF 02"), "a varint of more than 64 bits (10 bytes)");
        refused(hex("08 FF FF FF FF FF FF FF FF FF FF 01"), "a varint of more than 64 bits");
        refused(hex("08 87"), "truncated: a varint runs past the end of the ModelProto");
        refused(concat(hex("08 07"), new ProtoWriter().message(7, new ProtoWriter().bytes(1, hex("22 7F")))
                .toByteArray()), "graph.node[0]: op_type (field 4) claims 127 bytes but 0 remain in graph.node[0]");
        refused(hex("08 07 9A 06 05 00"), "an unread field (field 99) claims 5 bytes but 1 remain in the ModelProto");
    }

    @Test
    void aMessageFieldGivenTwiceIsRefused() {
        byte[] graph = new ProtoWriter().message(7, new ProtoWriter()).toByteArray();
        refused(concat(model(new ProtoWriter()), graph), "graph (field 7) given twice");
    }

    // --- the model ----------------------------------------------------------------------------------------------

    @Test
    void aModelNeedsAnIrVersionAGraphAndAnOperatorSet() {
        refused(new ProtoWriter().message(7, new ProtoWriter()).message(8, opset()).toByteArray(), "no ir_version");
        refused(new ProtoWriter().int64(1, -1).message(7, new ProtoWriter()).message(8, opset()).toByteArray(),
                "no ir_version (field 1), or a negative one");
        refused(new ProtoWriter().int64(1, 7).message(8, opset()).toByteArray(), "no graph (field 7)");
        refused(new ProtoWriter().int64(1, 7).message(7, new ProtoWriter()).toByteArray(), "no opset_import (field 8)");
        refused(new ProtoWriter().int64(1, 7).message(7, new ProtoWriter()).message(8, new ProtoWriter().string(1, "x"))
                .toByteArray(), "opset_import[0]: no version (field 2)", "'x'");
        ProtoWriter entry = new ProtoWriter().string(1, "k").string(2, "v");
        refused(new ProtoWriter().int64(1, 7).message(7, new ProtoWriter()).message(8, opset()).message(14, entry)
                .message(14, entry).toByteArray(), "metadata_props[1]: the key 'k' given twice");
    }

    // --- tensors --------------------------------------------------------------------------------------------------

    @Test
    void dimensionsAreZeroOrMoreAndTheirProductFits64Bits() throws OnnxFormatException {
        refused(withInitializer(tensor("w", FLOAT, 2, -1).bytes(9, new byte[8])),
                "graph.initializer[0] 'w': dims[1] is -1; dimensions are 0 or more");
        refused(withInitializer(tensor("w", FLOAT, 1L << 40, 1L << 40).bytes(9, new byte[4])),
                "dims [1099511627776, 1099511627776] make more than 2^63 - 1 elements");
        refused(withInitializer(tensor("w", FLOAT, 2, Long.MAX_VALUE)), "make more than 2^63 - 1 elements");
        long[] rank33 = new long[33];
        Arrays.fill(rank33, 1);
        refused(withInitializer(tensor("w", FLOAT, rank33)), "more than 32 dims");
        // A zero makes no elements, whatever the other dimensions.
        OnnxTensorProto empty = OnnxModel.read(withInitializer(tensor("e", FLOAT, Long.MAX_VALUE, 2, 0)), "t").graph()
                .initializers().getFirst();
        assertEquals(0, empty.elementCount());
        assertEquals(0, empty.floats().length);
    }

    /** Huge dimensions claim more than the file holds: refused from the counts, before anything is allocated. */
    @Test
    void valuesMustBeAsManyAsTheDimensionsMake() {
        refused(withInitializer(tensor("w", FLOAT, 1L << 30, 1L << 30).bytes(9, new byte[4])),
                "'w': raw_data holds 4 bytes; dims [1073741824, 1073741824] make 1152921504606846976 FLOAT values");
        refused(withInitializer(tensor("w", FLOAT, 2).bytes(9, new byte[7])), "raw_data holds 7 bytes");
        refused(withInitializer(tensor("w", FLOAT, 3).packedFloats(4, new float[2])),
                "float_data holds 2 values; dims make 3");
        refused(withInitializer(tensor("s", INT64, 1L << 40).bytes(7, hex("01"))),
                "'s': int64_data holds 1 values; dims make 1099511627776");
        refused(withInitializer(tensor("s", INT64, 1L << 61).bytes(7, hex("01"))), "dims make 2305843009213693952");
        refused(withInitializer(tensor("w", FLOAT, 4)), "holds no values (no raw_data or typed data field) for the 4");
        refused(withInitializer(tensor("d", 11, 1).bytes(10, new byte[12])),
                "packed double_data of 12 bytes, not a whole number of 8-byte values");
    }

    @Test
    void valuesAreInOneFieldOfTheTypesKind() {
        refused(withInitializer(tensor("w", FLOAT, 1).bytes(9, new byte[4]).packedFloats(4, new float[1])),
                "'w': holds values in raw_data and float_data; a tensor keeps them in one field");
        refused(withInitializer(tensor("w", INT64, 1).packedFloats(4, new float[1])),
                "float_data holds FLOAT values; this tensor's data_type is INT64");
        refused(withInitializer(tensor("w", FLOAT, 1).bytes(7, hex("01"))),
                "int64_data holds INT64 values; this tensor's data_type is FLOAT");
        refused(withInitializer(tensor("w", FLOAT, 1).bytes(5, hex("01"))), "int32_data holds INT32, INT8");
        refused(withInitializer(tensor("b", 3, 2).bytes(5, hex("01 AC 02"))),
                "'b': int32_data holds 300, not a value of INT8 (-128 to 127)");
        refused(withInitializer(tensor("b", 9, 1).bytes(5, hex("02"))), "int32_data holds 2, not a value of BOOL (0 to 1)");
        refused(withInitializer(tensor("b", 6, 1).bytes(5, hex("80 80 80 80 10"))),
                "int32_data holds 4294967296, not a value of INT32");
    }

    @Test
    void elementTypesJdnnDoesNotReadAreRefusedByName() {
        refused(withInitializer(tensor("w", 8, 1).bytes(6, hex("61"))), "string_data: data type 8 (STRING) is not read;"
                + " jdnn reads FLOAT, UINT8, INT8, INT32, INT64, BOOL, FLOAT16, DOUBLE, BFLOAT16");
        refused(withInitializer(tensor("w", 4, 1).bytes(9, new byte[2])), "'w': data_type: data type 4 (UINT16) is not"
                + " read");
        refused(withInitializer(tensor("w", 17, 1).bytes(9, new byte[1])), "data type 17 (FLOAT8E4M3FN) is not read");
        refused(withInitializer(tensor("w", 99, 1).bytes(9, new byte[1])), "data type 99 is not read");
        refused(withInitializer(new ProtoWriter().int64s(1, 1).string(8, "w").bytes(9, new byte[4])),
                "data type 0 (UNDEFINED) is not read");
        refused(withInitializer(tensor("w", 13, 1).bytes(11, hex("01"))), "uint64_data holds UINT32 or UINT64 values");
    }

    @Test
    void externalDataSegmentsAndSparseInitializersAreRefused() {
        ProtoWriter location = new ProtoWriter().string(1, "location").string(2, "weights.bin");
        String message = refused(withInitializer(tensor("conv.weight", FLOAT, 64, 3, 7, 7)
                        .message(13, location).message(13, new ProtoWriter().string(1, "offset").string(2, "0"))
                        .int64(14, 1)),
                "graph.initializer[0] 'conv.weight': keeps its values in an external file ('weights.bin')",
                "onnx.save_model(model, path, save_as_external_data=False)");
        assertEquals(1, message.split("external").length - 2, "said once: " + message);
        refused(withInitializer(tensor("w", FLOAT, 1).int64(14, 1)), "'w': keeps its values in an external file;");
        refused(withInitializer(tensor("w", FLOAT, 1).message(3, new ProtoWriter().int64(1, 0).int64(2, 1))),
                "segment: tensors split into segments are not read");
        refused(model(new ProtoWriter().message(15, new ProtoWriter())), "graph: sparse_initializer (field 15)");
    }

    // --- nodes, attributes, values --------------------------------------------------------------------------------

    @Test
    void attributesHaveATypeAndDistinctNames() {
        ProtoWriter pads = new ProtoWriter().string(1, "pads").int64s(8, 1, 1);
        refused(withNode(conv(pads)), "graph.node[0] (Conv 'c').attribute 'pads': no type (field 20)");
        refused(withNode(conv(new ProtoWriter().string(1, "pads").int64(20, 99))), "attribute 'pads': type 99");
        ProtoWriter typed = OnnxMessages.intsAttribute("pads", 1, 1);
        refused(withNode(conv(typed, typed)), "graph.node[0] (Conv 'c'): attribute 'pads' given twice");
        refused(withNode(conv(new ProtoWriter().string(1, "value").int64(20, 4))),
                "attribute 'value': a TENSOR attribute without its tensor (t, field 5)");
        ProtoWriter constant = new ProtoWriter().string(2, "k").string(4, "Constant").message(5, new ProtoWriter()
                .string(1, "value").message(5, tensor("", FLOAT, 2).bytes(9, new byte[4])).int64(20, 4));
        refused(withNode(constant), "graph.node[0] (Constant).attribute 'value'.t: raw_data holds 4 bytes");
        refused(withNode(new ProtoWriter().bytes(3, hex("63 FF")).string(4, "Relu")), "graph.node[0]: name is not valid"
                + " UTF-8");
    }

    @Test
    void theValueOfAFieldTheTypeDoesNotNameIsNotRead() throws OnnxFormatException {
        // An INT attribute that also carries malformed UTF-8 in s and a broken tensor in t: only i is read.
        ProtoWriter attribute = new ProtoWriter().string(1, "axis").int64(3, -1).bytes(4, hex("FF"))
                .message(5, tensor("", 99, 1)).int64(20, 2);
        OnnxAttribute axis = OnnxModel.read(withNode(conv(attribute)), "t").graph().nodes().getFirst().attributes()
                .getFirst();
        assertEquals(new OnnxAttribute("axis", OnnxAttribute.Type.INT, 0, -1, "", null, List.of(), List.of(),
                List.of()), axis);
    }

    @Test
    void valuesAreTensorsOfAReadTypeWithSizesOfZeroOrMore() throws OnnxFormatException {
        ProtoWriter sequence = new ProtoWriter().string(1, "xs").message(2, new ProtoWriter().message(4,
                new ProtoWriter()));
        refused(model(new ProtoWriter().message(11, sequence)), "graph.input[0] 'xs'.type: a sequence type; jdnn reads"
                + " values of tensor types only");
        refused(model(new ProtoWriter().message(12, new ProtoWriter().string(1, "y").message(2, new ProtoWriter()
                .message(9, new ProtoWriter())))), "graph.output[0] 'y'.type: an optional type");
        refused(model(new ProtoWriter().message(12, new ProtoWriter().string(1, "y"))),
                "graph.output[0] 'y': no type (field 2)");
        refused(model(new ProtoWriter().message(11, valueInfo("x", 8, dimValue(1)))),
                "graph.input[0] 'x'.type.tensor_type: elem_type: data type 8 (STRING) is not read");
        refused(model(new ProtoWriter().message(11, valueInfo("x", FLOAT, dimValue(1), dimValue(-1)))),
                "graph.input[0] 'x'.type.tensor_type.shape.dim[1]: dim_value -1: a size is 0 or more");
        ProtoWriter[] rank33 = new ProtoWriter[33];
        Arrays.fill(rank33, dimValue(1));
        refused(model(new ProtoWriter().message(13, valueInfo("v", FLOAT, rank33))), "more than 32 dims");
        // An intermediate value without a type says nothing: left out.
        OnnxGraphProto graph = OnnxModel.read(model(new ProtoWriter().message(13, new ProtoWriter().string(1, "v"))),
                "t").graph();
        assertEquals(List.of(), graph.valueInfo());
    }

    private static ProtoWriter dimValue(long value) {
        return new ProtoWriter().int64(1, value);
    }

    private static ProtoWriter valueInfo(String name, int elemType, ProtoWriter... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (ProtoWriter dim : dims) shape.message(1, dim);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1,
                new ProtoWriter().int64(1, elemType).message(2, shape)));
    }

    // --- nesting and limits ---------------------------------------------------------------------------------------

    /**
     * Subgraphs nested 100,000 deep (an If whose branch holds an If ...): a reader that recursed into them would
     * overflow its stack. jdnn's reads the outer node and skips its attribute's graph whole.
     */
    @Test
    void deeplyNestedSubgraphsAreSkippedWithoutRecursion() throws OnnxFormatException {
        byte[] nested = nestedIfs(100_000);
        OnnxNode node = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> OnnxModel.read(nested, "nested.onnx")).graph().nodes().getFirst();
        assertEquals("If", node.opType());
        assertEquals(OnnxAttribute.Type.GRAPH, node.attribute("then_branch").orElseThrow().type());
        assertTrue(nested.length > 1_000_000, nested.length + " bytes");
    }

    /**
     * A model whose graph's node is an If whose then_branch graph holds an If, {@code depth} times, the innermost
     * attribute an INT. Written from the inside out as the prefixes (fields, tag and length) of the enclosing
     * messages, so that building it takes linear time.
     */
    private static byte[] nestedIfs(int depth) {
        byte[] core = OnnxMessages.intAttribute("then_branch", 0).toByteArray();
        List<byte[]> prefixes = new java.util.ArrayList<>(); // innermost first
        long attribute = core.length;
        long graph = 0;
        for (int level = depth - 1; level >= 0; level--) {
            byte[] node = concat(new ProtoWriter().string(4, "If").toByteArray(), tagAndLength(5, attribute));
            prefixes.add(node);
            byte[] graphPrefix = tagAndLength(1, node.length + attribute); // GraphProto.node
            prefixes.add(graphPrefix);
            graph = graphPrefix.length + node.length + attribute;
            if (level > 0) {
                byte[] attributePrefix = concat(new ProtoWriter().string(1, "then_branch").int64(20, 5).toByteArray(),
                        tagAndLength(6, graph)); // AttributeProto.g
                prefixes.add(attributePrefix);
                attribute = attributePrefix.length + graph;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new ProtoWriter().int64(1, 7).message(8, opset()).toByteArray());
        out.writeBytes(tagAndLength(7, graph));
        for (int i = prefixes.size() - 1; i >= 0; i--) out.writeBytes(prefixes.get(i));
        out.writeBytes(core);
        return out.toByteArray();
    }

    private static byte[] tagAndLength(int field, long length) {
        byte[] withPayload = new ProtoWriter().bytes(field, new byte[0]).toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(withPayload, 0, withPayload.length - 1); // the tag
        for (long v = length; ; v >>>= 7) {
            if ((v & ~0x7FL) == 0) {
                out.write((int) v);
                return out.toByteArray();
            }
            out.write((int) (v & 0x7F) | 0x80);
        }
    }

    @Test
    void moreStructureThanTheLimitIsRefusedBeforeItIsKept() {
        ProtoWriter node = new ProtoWriter().string(4, "Concat");
        for (int i = 0; i <= OnnxModel.MAX_ITEMS; i++) node.string(1, "");
        refused(withNode(node), "graph.node[0]: more than 2097152 nodes, attributes, tensors, value infos, dimensions,"
                + " names and list elements in all");
        ProtoWriter ints = new ProtoWriter().string(1, "pads").bytes(8, new byte[OnnxModel.MAX_ITEMS + 1])
                .int64(20, 7);
        refused(withNode(conv(ints)), "graph.node[0] (Conv 'c').attribute 'pads': more than 2097152");
    }

    @Test
    void moreDecodedValuesThanTheLimitAreRefusedBeforeTheyAreDecoded() {
        int count = (int) (OnnxModel.MAX_COPIED_BYTES / 8) + 1;
        refused(withInitializer(tensor("big", INT64, count).bytes(7, new byte[count])),
                "'big': more than 268435456 bytes of tensor values kept in int32_data, int64_data or split runs");
    }

    // --- files and streams ----------------------------------------------------------------------------------------

    @Test
    void aFileLargerThanTheLimitIsRefusedBeforeItIsRead() throws IOException {
        Path file = folder.resolve("huge.onnx");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(OnnxModel.MAX_FILE_BYTES + 1L); // a hole: no disk space, and -Xmx2g could not hold it
        }
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.read(file));
        assertEquals(file + ": 2147483640 bytes: jdnn reads ONNX models of at most 2147483639 bytes (protobuf's limit"
                + " of 2 GiB); a larger model keeps its weights in external data files, which jdnn does not read",
                e.getMessage());
    }

    @Test
    void aStreamIsReadToItsEndOrItsLimit() throws IOException {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 0);
                return len;
            }
        };
        OnnxFormatException e = assertThrows(OnnxFormatException.class,
                () -> OnnxModel.read(endless, "endless", 1 << 20));
        assertEquals("endless: more than 1048576 bytes, the most this read allows", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OnnxModel.read(endless, "endless", -1));
    }

    @Test
    void onlyRegularFilesAreRead() throws Exception {
        assertThrows(NoSuchFileException.class, () -> OnnxModel.read(folder.resolve("missing.onnx")));
        FileSystemException e = assertThrows(FileSystemException.class, () -> OnnxModel.read(folder));
        assertTrue(e.getMessage().contains("a folder, not an ONNX file"), e.getMessage());
        Path fifo = folder.resolve("fifo.onnx");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo");
        OnnxFormatException refused = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(OnnxFormatException.class, () -> OnnxModel.read(fifo)));
        assertTrue(refused.getMessage().endsWith("a FIFO (named pipe), not a regular file; an ONNX model must be a"
                + " regular file"), refused.getMessage());
    }

    @Test
    void theBytesReadAreCopiedSoTheCallerMayReuseThem() throws IOException {
        byte[] bytes = OnnxModelReadTest.resource("tiny_conv_opset13.onnx");
        OnnxModel model = OnnxModel.read(bytes, "t");
        float before = model.graph().initializers().getFirst().floats()[0];
        Arrays.fill(bytes, (byte) 0);
        assertEquals(before, model.graph().initializers().getFirst().floats()[0]);
    }
}
