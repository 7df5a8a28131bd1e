package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.Parameter;
import dev.jdnn.layers.PoolMode;
import dev.jdnn.layers.Pooling2D;
import dev.jdnn.layers.RandomNetworks;
import dev.jdnn.layers.Sequential;
import dev.jdnn.onnx.OnnxModel.OpsetId;
import dev.jdnn.onnx.OnnxValueInfo.Dim;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ONNX reader against ONNX's own protobuf parser, on files written by torch.onnx.export and onnx.helper
 * (src/test/python/make_onnx_fixtures.py writes each file and what onnx 1.12 reads from it as JSON: every field
 * jdnn keeps, every tensor's values), and against jdnn's own writer, whose every field must come back as written.
 */
class OnnxModelReadTest {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @TempDir
    Path folder;

    @ParameterizedTest
    @ValueSource(strings = {"tiny_conv_opset13", "tiny_conv_opset17", "all_fields"})
    void readsWhatOnnxsOwnParserReads(String name) throws IOException {
        byte[] bytes = resource(name + ".onnx");
        JsonNode expected = new ObjectMapper().readTree(resource(name + ".json"));
        OnnxModel model = OnnxModel.read(bytes, name);
        // The fixture says which field held each tensor's values; jdnn's model keeps the values only.
        Set<String> fields = new TreeSet<>();
        removeFields(expected, fields);
        assertSameTree("", expected, json(model));
        if (name.equals("all_fields")) {
            assertEquals(Set.of("raw_data", "float_data", "int32_data", "int64_data", "double_data", "null"), fields,
                    "the fixture holds values in every field jdnn reads");
            // DOUBLE values are compared as floats above; their 64 bits here.
            OnnxTensorProto doubles = initializer(model, "double_typed");
            assertEquals(0.1, doubles.data().getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, 0));
            assertEquals(-1e300, doubles.data().getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, 1));
        }

        Path file = Files.write(folder.resolve(name + ".onnx"), bytes);
        assertSameTree("file: ", json(model), json(OnnxModel.read(file)));
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            assertSameTree("stream: ", json(model), json(OnnxModel.read(in, name)));
        }
    }

    @Test
    void torchsInitializersAreReadOnlyViewsOfTheBytesReadNotCopies() throws IOException {
        byte[] bytes = resource("tiny_conv_opset13.onnx");
        OnnxModel model = OnnxModelParser.parse(bytes, "tiny_conv_opset13");
        for (OnnxTensorProto tensor : model.graph().initializers()) {
            float before = tensor.floats()[0];
            int at = Math.toIntExact(tensor.data().address()); // a heap segment's address is its offset in the array
            bytes[at + 3] ^= (byte) 0x80; // the sign bit of the first float, little-endian
            assertEquals(-before, tensor.floats()[0], tensor.name() + " is a view of the bytes read");
            assertTrue(tensor.data().isReadOnly(), tensor.name());
        }
    }

    /** Every message and field jdnn's writer has, with edge values, read back as written. */
    @Test
    void everyFieldJdnnWritesComesBackAsWritten() throws IOException {
        ProtoWriter node = OnnxMessages.node("Op", "n\u00e9", List.of("x", "", "w"), List.of("y"),
                List.of(OnnxMessages.floatAttribute("alpha", -0.5f), OnnxMessages.intAttribute("axis", Long.MIN_VALUE),
                        OnnxMessages.intsAttribute("pads", 0, 1, -1, Long.MAX_VALUE),
                        OnnxMessages.intsAttribute("none")));
        float[] weights = {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, 3e-5f};
        ProtoWriter graph = OnnxMessages.graph("g", "doc", List.of(node),
                List.of(OnnxMessages.floatTensor("w", new long[] {2, 3}, weights),
                        OnnxMessages.floatTensor("s", new long[0], new float[] {7f}),
                        OnnxMessages.floatTensor("e", new long[] {0, 4}, new float[0])),
                List.of(OnnxMessages.floatValueInfo("x", List.of(OnnxMessages.Dim.named("N"), OnnxMessages.Dim.of(0),
                        OnnxMessages.Dim.of(Long.MAX_VALUE)))),
                List.of(OnnxMessages.floatValueInfo("y", List.of())));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("b", "2");
        metadata.put("a", "");
        OnnxModel model = OnnxModel.read(OnnxMessages.model(9, 17, "producer", "1.0", "doc", metadata, graph)
                .toByteArray(), "written");

        assertEquals(9, model.irVersion());
        assertEquals(List.of(new OpsetId("", 17)), model.opsetImports());
        assertEquals("producer", model.producerName());
        assertEquals("1.0", model.producerVersion());
        assertEquals(List.of("b", "a"), List.copyOf(model.metadata().keySet()), "metadata in the file's order");
        assertEquals(metadata, model.metadata());
        OnnxGraphProto g = model.graph();
        assertEquals("g", g.name());
        OnnxNode n = g.nodes().getFirst();
        assertEquals(List.of("Op", "n\u00e9", "", List.of("x", "", "w"), List.of("y")),
                List.of(n.opType(), n.name(), n.domain(), n.inputs(), n.outputs()));
        assertEquals(new OnnxAttribute("alpha", OnnxAttribute.Type.FLOAT, -0.5f, 0, "", null, List.of(), List.of(),
                List.of()), n.attribute("alpha").orElseThrow());
        assertEquals(Long.MIN_VALUE, n.attribute("axis").orElseThrow().i());
        assertEquals(List.of(0L, 1L, -1L, Long.MAX_VALUE), n.attribute("pads").orElseThrow().ints());
        assertEquals(OnnxAttribute.Type.INTS, n.attribute("none").orElseThrow().type());
        assertEquals(List.of(), n.attribute("none").orElseThrow().ints());
        assertEquals(Optional.empty(), n.attribute("beta"));

        OnnxTensorProto w = g.initializers().getFirst();
        assertEquals(List.of("w", OnnxDataType.FLOAT, List.of(2L, 3L)), List.of(w.name(), w.dataType(), w.dims()));
        assertBitsEqual(weights, w.floats());
        assertBitsEqual(new float[] {7f}, g.initializers().get(1).floats());
        assertEquals(List.of(), g.initializers().get(1).dims());
        assertEquals(0, g.initializers().get(2).elementCount());
        assertEquals(List.of(new OnnxValueInfo("x", OnnxDataType.FLOAT, Optional.of(List.of(Dim.named("N"), Dim.of(0),
                Dim.of(Long.MAX_VALUE))))), g.inputs());
        assertEquals(List.of(new OnnxValueInfo("y", OnnxDataType.FLOAT, Optional.of(List.of()))), g.outputs());
        assertEquals(List.of(), g.valueInfo());
    }

    /** A network exported by OnnxExport: its operators, names, shapes and every parameter's values. */
    @ParameterizedTest
    @ValueSource(strings = {"FOLDED", "NODES"})
    void jdnnsExportReadsBackAsTheNetworkItWrote(String mode) throws IOException {
        OnnxExport.BatchNormMode batchNorm = OnnxExport.BatchNormMode.valueOf(mode);
        try (Network network = new Network(new Sequential(List.of(new Convolution2D(2, 4, 3, 1, Padding.SAME),
                new BatchNorm2D(4), new Activation(ActivationFunction.RELU6), new Pooling2D(2, 2, PoolMode.MAX),
                new Flatten(), new Dense(4 * 3 * 3, 5))), new long[] {2, 6, 6})) {
            RandomNetworks.randomize(network, new Random(5));
            OnnxExport.Built built = OnnxExport.build(network, List.of("a", "b\"", "c", "d", "e"), batchNorm);
            OnnxModel model = OnnxModel.read(built.bytes(), "export");

            assertEquals(OnnxExport.IR_VERSION, model.irVersion());
            assertEquals(List.of(new OpsetId("", OnnxExport.OPSET)), model.opsetImports());
            assertEquals("jdnn", model.producerName());
            assertEquals(Map.of(OnnxExport.CLASS_NAMES_KEY, "[\"a\",\"b\\\"\",\"c\",\"d\",\"e\"]"), model.metadata());
            OnnxGraphProto graph = model.graph();
            assertEquals("SimpleCNN", graph.name());
            assertEquals(List.of(new OnnxValueInfo(OnnxExport.INPUT, OnnxDataType.FLOAT, Optional.of(List.of(
                    Dim.named("N"), Dim.of(2), Dim.of(6), Dim.of(6))))), graph.inputs());
            assertEquals(List.of(new OnnxValueInfo(OnnxExport.OUTPUT, OnnxDataType.FLOAT, Optional.of(List.of(
                    Dim.named("N"), Dim.of(5))))), graph.outputs());
            assertEquals(built.operators(), graph.nodes().stream().map(OnnxNode::opType).toList());
            assertEquals(OnnxExport.INPUT, graph.nodes().getFirst().inputs().getFirst());
            assertEquals(List.of(OnnxExport.OUTPUT), graph.nodes().getLast().outputs());
            OnnxNode conv = graph.nodes().getFirst();
            assertEquals(List.of(3L, 3L), conv.attribute("kernel_shape").orElseThrow().ints());
            assertEquals(List.of(1L, 1L, 1L, 1L), conv.attribute("pads").orElseThrow().ints());

            Map<String, OnnxTensorProto> initializers = new LinkedHashMap<>();
            for (OnnxTensorProto tensor : graph.initializers()) initializers.put(tensor.name(), tensor);
            if (batchNorm == OnnxExport.BatchNormMode.NODES) {
                // Written as they are: each parameter is an initializer of its name, dims and values.
                for (Parameter p : network.parameters().parameters()) {
                    OnnxTensorProto tensor = initializers.get(p.spec().name());
                    assertEquals(Arrays.stream(p.spec().dims()).boxed().toList(), tensor.dims(), p.spec().name());
                    assertBitsEqual(p.value().toArray(ValueLayout.JAVA_FLOAT), tensor.floats());
                }
            }
            for (OnnxNode node : graph.nodes()) {
                for (String input : node.inputs().subList(1, node.inputs().size())) {
                    assertTrue(initializers.containsKey(input) || graph.nodes().stream()
                            .anyMatch(other -> other.outputs().contains(input)), "input " + input + " is defined");
                }
            }
        }
    }

    /** Removes "field" (where a tensor's values were) from every tensor of {@code tree}, collecting them. */
    private static void removeFields(JsonNode tree, Set<String> fields) {
        if (tree instanceof ObjectNode object && object.has("data_type")) fields.add(object.remove("field").asText());
        tree.elements().forEachRemaining(child -> removeFields(child, fields));
    }

    private static OnnxTensorProto initializer(OnnxModel model, String name) {
        return model.graph().initializers().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static void assertBitsEqual(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "values");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "value " + i);
        }
    }

    /** The model in the JSON shape make_onnx_fixtures.py writes. */
    private static ObjectNode json(OnnxModel model) {
        ObjectNode root = JSON.objectNode();
        root.put("ir_version", model.irVersion());
        ArrayNode opsets = root.putArray("opset_import");
        for (OpsetId opset : model.opsetImports()) opsets.addArray().add(opset.domain()).add(opset.version());
        root.put("producer_name", model.producerName());
        root.put("producer_version", model.producerVersion());
        ObjectNode metadata = root.putObject("metadata");
        model.metadata().forEach(metadata::put);
        OnnxGraphProto g = model.graph();
        ObjectNode graph = root.putObject("graph");
        graph.put("name", g.name());
        ArrayNode nodes = graph.putArray("nodes");
        for (OnnxNode n : g.nodes()) {
            ObjectNode node = nodes.addObject();
            node.put("op_type", n.opType()).put("name", n.name()).put("domain", n.domain());
            n.inputs().forEach(node.putArray("inputs")::add);
            n.outputs().forEach(node.putArray("outputs")::add);
            ArrayNode attributes = node.putArray("attributes");
            for (OnnxAttribute a : n.attributes()) {
                ObjectNode attribute = attributes.addObject();
                attribute.put("name", a.name()).put("type", a.type().name()).put("f", (double) a.f()).put("i", a.i())
                        .put("s", a.s());
                attribute.set("t", a.t() == null ? JSON.nullNode() : tensor(a.t()));
                ArrayNode floats = attribute.putArray("floats");
                a.floats().forEach(f -> floats.add((double) f));
                a.ints().forEach(attribute.putArray("ints")::add);
                a.strings().forEach(attribute.putArray("strings")::add);
            }
        }
        ArrayNode initializers = graph.putArray("initializers");
        g.initializers().forEach(t -> initializers.add(tensor(t)));
        for (String list : List.of("inputs", "outputs", "value_info")) {
            ArrayNode infos = graph.putArray(list);
            List<OnnxValueInfo> values = list.equals("inputs") ? g.inputs() : list.equals("outputs") ? g.outputs()
                    : g.valueInfo();
            for (OnnxValueInfo v : values) {
                ObjectNode info = infos.addObject();
                info.put("name", v.name()).put("elem_type", v.elemType().name());
                if (v.shape().isEmpty()) {
                    info.putNull("shape");
                    continue;
                }
                ArrayNode shape = info.putArray("shape");
                for (Dim dim : v.shape().get()) {
                    ObjectNode d = shape.addObject();
                    if (dim.isFixed()) d.put("value", dim.value());
                    if (dim.param() != null) d.put("param", dim.param());
                }
            }
        }
        return root;
    }

    private static ObjectNode tensor(OnnxTensorProto t) {
        ObjectNode tensor = JSON.objectNode();
        tensor.put("name", t.name()).put("data_type", t.dataType().name());
        t.dims().forEach(tensor.putArray("dims")::add);
        ArrayNode values = tensor.putArray("values");
        switch (t.dataType()) {
            case FLOAT, FLOAT16, BFLOAT16, DOUBLE -> {
                for (float v : t.floats()) values.add((double) v);
            }
            default -> Arrays.stream(t.longs()).forEach(values::add);
        }
        return tensor;
    }

    /**
     * Compares two trees, numbers by value (ints and longs alike; a float against the float of a double, since
     * Python's JSON holds DOUBLE tensors' values at 64 bits and floats() gives 32); fails at the first difference,
     * naming its path.
     */
    private static void assertSameTree(String path, JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            boolean same = expected.isIntegralNumber() && actual.isIntegralNumber()
                    ? expected.bigIntegerValue().equals(actual.bigIntegerValue())
                    : (float) expected.doubleValue() == (float) actual.doubleValue();
            if (!same) fail(path + ": expected " + expected + ", read " + actual);
            return;
        }
        if (expected.getNodeType() != actual.getNodeType()) fail(path + ": expected " + expected + ", read " + actual);
        if (expected.isObject()) {
            List<String> names = new ArrayList<>();
            expected.fieldNames().forEachRemaining(names::add);
            List<String> actualNames = new ArrayList<>();
            actual.fieldNames().forEachRemaining(actualNames::add);
            assertEquals(new TreeSet<>(names), new TreeSet<>(actualNames), path + ": fields");
            for (String name : names) assertSameTree(path + "." + name, expected.get(name), actual.get(name));
        } else if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), path + ": elements, expected " + expected + ", read " + actual);
            Iterator<JsonNode> e = expected.elements();
            Iterator<JsonNode> a = actual.elements();
            for (int i = 0; e.hasNext(); i++) assertSameTree(path + "[" + i + "]", e.next(), a.next());
        } else {
            assertEquals(expected, actual, path);
        }
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = OnnxModelReadTest.class.getResourceAsStream("/fixtures/onnx/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource /fixtures/onnx/" + name);
            return in.readAllBytes();
        }
    }

    @Test
    void theTreeComparisonFailsOnADifference() {
        ObjectNode a = JSON.objectNode().put("x", 1.5);
        assertThrows(AssertionError.class, () -> assertSameTree("", a, JSON.objectNode().put("x", 1.25)));
        assertThrows(AssertionError.class, () -> assertSameTree("", a, JSON.objectNode().put("y", 1.5)));
        assertThrows(AssertionError.class, () -> assertSameTree("", JSON.arrayNode().add(1), JSON.arrayNode()));
        assertSameTree("", JSON.objectNode().put("x", 7), JSON.objectNode().put("x", 7L));
    }
}
