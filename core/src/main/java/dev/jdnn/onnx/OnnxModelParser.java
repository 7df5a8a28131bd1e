package dev.jdnn.onnx;

import dev.jdnn.onnx.OnnxModel.OpsetId;
import dev.jdnn.onnx.OnnxValueInfo.Dim;
import dev.jdnn.onnx.ProtoReader.Span;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the messages of onnx.proto that importing a model needs (ModelProto, OperatorSetIdProto,
 * StringStringEntryProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto with TypeProto and
 * TensorShapeProto; TensorProto is {@link OnnxTensorParser}'s) into {@link OnnxModel}. The field numbers are those
 * of onnx/onnx.proto (github.com/onnx/onnx), unchanged since IR version 3; fields not listed here (doc strings,
 * training info, functions, quantization annotations, metadata added by later versions) are skipped whole, so are
 * the subgraphs of If, Loop and Scan: nothing here recurses, and the nesting read is at most six messages deep.
 * A message field given twice (which protobuf would merge) is refused; a scalar given twice keeps its last value,
 * as protobuf does.
 */
final class OnnxModelParser {
    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_METADATA_PROPS = 14;
    // OperatorSetIdProto
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    // StringStringEntryProto
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int GRAPH_VALUE_INFO = 13;
    private static final int GRAPH_SPARSE_INITIALIZER = 15;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_DOMAIN = 7;
    // AttributeProto
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_F = 2;
    private static final int ATTRIBUTE_I = 3;
    private static final int ATTRIBUTE_S = 4;
    private static final int ATTRIBUTE_T = 5;
    private static final int ATTRIBUTE_FLOATS = 7;
    private static final int ATTRIBUTE_INTS = 8;
    private static final int ATTRIBUTE_STRINGS = 9;
    private static final int ATTRIBUTE_TYPE = 20;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TYPE_SEQUENCE = 4;
    private static final int TYPE_MAP = 5;
    private static final int TYPE_SPARSE_TENSOR = 8;
    private static final int TYPE_OPTIONAL = 9;
    private static final int TENSOR_TYPE_ELEM_TYPE = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;

    private final ReadBudget budget = new ReadBudget();
    private final OnnxTensorParser tensors = new OnnxTensorParser(budget);

    private OnnxModelParser() {}

    /** The model in {@code bytes}, which it keeps (its tensors are views of them); {@code source} names them. */
    static OnnxModel parse(byte[] bytes, String source) throws OnnxFormatException {
        return new OnnxModelParser().model(ProtoReader.of(source, bytes));
    }

    private OnnxModel model(ProtoReader r) throws OnnxFormatException {
        long irVersion = -1;
        List<OpsetId> opsets = new ArrayList<>();
        String producer = "";
        String producerVersion = "";
        OnnxGraphProto graph = null;
        Map<String, String> metadata = new LinkedHashMap<>();
        while (r.hasMore()) {
            int tag = r.tag();
            switch (ProtoReader.field(tag)) {
                case MODEL_IR_VERSION -> irVersion = r.int64(tag, "ir_version");
                case MODEL_PRODUCER_NAME -> producer = r.string(tag, "producer_name");
                case MODEL_PRODUCER_VERSION -> producerVersion = r.string(tag, "producer_version");
                case MODEL_GRAPH -> {
                    if (graph != null) throw r.error("graph (field 7) given twice; a model has one graph");
                    graph = graph(r.message(tag, "graph", r.path().child("graph")));
                }
                case MODEL_OPSET_IMPORT -> {
                    budget.item(r);
                    opsets.add(opset(r.message(tag, "opset_import", r.path().child("opset_import", opsets.size()))));
                }
                case MODEL_METADATA_PROPS -> {
                    budget.item(r);
                    ProtoReader entry = r.message(tag, "metadata_props", r.path().child("metadata_props",
                            metadata.size()));
                    String[] keyValue = entry(entry);
                    if (metadata.putIfAbsent(keyValue[0], keyValue[1]) != null) {
                        throw entry.error("the key '" + keyValue[0] + "' given twice; metadata keys are distinct");
                    }
                }
                default -> r.skip(tag);
            }
        }
        if (irVersion < 0) {
            throw r.error("no ir_version (field 1), or a negative one: not an ONNX model (the bytes may be of"
                    + " another kind of file)");
        }
        if (graph == null) throw r.error("no graph (field 7): not an ONNX model, or one cut short");
        if (opsets.isEmpty()) throw r.error("no opset_import (field 8): a model names the operator sets it uses");
        return new OnnxModel(irVersion, opsets, producer, producerVersion, graph, metadata);
    }

    private static OpsetId opset(ProtoReader r) throws OnnxFormatException {
        String domain = "";
        long version = -1;
        while (r.hasMore()) {
            int tag = r.tag();
            switch (ProtoReader.field(tag)) {
                case OPSET_DOMAIN -> domain = r.string(tag, "domain");
                case OPSET_VERSION -> version = r.int64(tag, "version");
                default -> r.skip(tag);
            }
        }
        if (version < 0) throw r.error("no version (field 2), or a negative one, for the operator set '" + domain + "'");
        return new OpsetId(domain, version);
    }

    /** A StringStringEntryProto's key and value, empty if absent. */
    private static String[] entry(ProtoReader r) throws OnnxFormatException {
        String[] keyValue = {"", ""};
        while (r.hasMore()) {
            int tag = r.tag();
            switch (ProtoReader.field(tag)) {
                case ENTRY_KEY -> keyValue[0] = r.string(tag, "key");
                case ENTRY_VALUE -> keyValue[1] = r.string(tag, "value");
                default -> r.skip(tag);
            }
        }
        return keyValue;
    }

    private OnnxGraphProto graph(ProtoReader r) throws OnnxFormatException {
        String name = "";
        List<OnnxNode> nodes = new ArrayList<>();
        List<OnnxTensorProto> initializers = new ArrayList<>();
        List<OnnxValueInfo> inputs = new ArrayList<>();
        List<OnnxValueInfo> outputs = new ArrayList<>();
        List<OnnxValueInfo> valueInfo = new ArrayList<>();
        int valueInfoIndex = 0;
        while (r.hasMore()) {
            int tag = r.tag();
            switch (ProtoReader.field(tag)) {
                case GRAPH_NODE -> {
                    budget.item(r);
                    nodes.add(node(r.message(tag, "node", r.path().child("node", nodes.size()))));
                }
                case GRAPH_NAME -> name = r.string(tag, "name");
                case GRAPH_INITIALIZER -> {
                    budget.item(r);
                    initializers.add(tensors.tensor(r.message(tag, "initializer",
                            r.path().child("initializer", initializers.size()))));
                }
                case GRAPH_INPUT -> {
                    budget.item(r);
                    inputs.add(valueInfo(r.message(tag, "input", r.path().child("input", inputs.size())), true));
                }
                case GRAPH_OUTPUT -> {
                    budget.item(r);
                    outputs.add(valueInfo(r.message(tag, "output", r.path().child("output", outputs.size())), true));
                }
                case GRAPH_VALUE_INFO -> {
                    budget.item(r);
                    OnnxValueInfo info = valueInfo(r.message(tag, "value_info",
                            r.path().child("value_info", valueInfoIndex++)), false);
                    if (info != null) valueInfo.add(info);
                }
                case GRAPH_SPARSE_INITIALIZER -> throw r.error("sparse_initializer (field 15): sparse initializers are"
                        + " not read; store the tensors dense, as initializer");
                default -> r.skip(tag);
            }
        }
        return new OnnxGraphProto(name, nodes, initializers, inputs, outputs, valueInfo);
    }

    private OnnxNode node(ProtoReader r) throws OnnxFormatException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        String domain = "";
        List<Span> attributeSpans = new ArrayList<>();
        while (r.hasMore()) {
            int tag = r.tag();
            switch (ProtoReader.field(tag)) {
                case NODE_INPUT -> {
                    budget.item(r);
                    inputs.add(r.string(tag, "input"));
                }
                case NODE_OUTPUT -> {
                    budget.item(r);
                    outputs.add(r.string(tag, "output"));
                }
                case NODE_NAME -> name = r.string(tag, "name");
                case NODE_OP_TYPE -> opType = r.string(tag, "op_type");
                case NODE_DOMAIN -> domain = r.string(tag, "domain");
                case NODE_ATTRIBUTE -> {
                    budget.item(r);
                    attributeSpans.add(r.span(tag, "attribute"));
                }
                default -> r.skip(tag);
            }
        }
        // Attributes are read once the node's operator and name are known, for their messages to name the node.
        FieldPath path = r.path().labeled("(" + opType + (name.isEmpty() ? "" : " '" + name + "'") + ")");
        List<OnnxAttribute> attributes = new ArrayList<>(attributeSpans.size());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < attributeSpans.size(); i++) {
            OnnxAttribute attribute = attribute(r.at(attributeSpans.get(i), path.child("attribute", i)), path);
            if (!names.add(attribute.name())) {
                throw r.error(path, "attribute '" + attribute.name() + "' given twice; a node's attributes are distinct");
            }
            attributes.add(attribute);
        }
        return new OnnxNode(opType, name, domain, inputs, outputs, attributes);
    }

    private OnnxAttribute attribute(ProtoReader r, FieldPath node) throws OnnxFormatException {
        String name = "";
        long typeCode = 0;
        float f = 0;
        long i = 0;
        Span s = null;
        Span t = null;
        List<Span> floats = new ArrayList<>();
        List<Span> ints = new ArrayList<>();
        List<Span> strings = new ArrayList<>();
        while (r.hasMore()) {
            int tag = r.tag();
            switch (ProtoReader.field(tag)) {
                case ATTRIBUTE_NAME -> name = r.string(tag, "name");
                case ATTRIBUTE_TYPE -> typeCode = r.int64(tag, "type");
                case ATTRIBUTE_F -> f = r.float32(tag, "f");
                case ATTRIBUTE_I -> i = r.int64(tag, "i");
                case ATTRIBUTE_S -> s = r.span(tag, "s");
                case ATTRIBUTE_T -> {
                    if (t != null) throw r.error("t (field 5) given twice; an attribute has one tensor");
                    t = r.span(tag, "t");
                }
                case ATTRIBUTE_FLOATS -> {
                    budget.item(r);
                    floats.add(r.scalars(tag, "floats", ProtoReader.FIXED32));
                }
                case ATTRIBUTE_INTS -> {
                    budget.item(r);
                    ints.add(r.scalars(tag, "ints", ProtoReader.VARINT));
                }
                case ATTRIBUTE_STRINGS -> {
                    budget.item(r);
                    strings.add(r.span(tag, "strings"));
                }
                default -> r.skip(tag); // g, graphs, tensors, sparse tensors, types, doc_string, ref_attr_name
            }
        }
        FieldPath path = name.isEmpty() ? r.path() : new FieldPath(node, "attribute", -1, "'" + name + "'");
        OnnxAttribute.Type type = OnnxAttribute.Type.ofCode(typeCode);
        if (type == null) {
            throw r.error(path, (typeCode == 0 ? "no type (field 20)" : "type " + typeCode)
                    + ": an attribute's type is one of AttributeProto.AttributeType's, 1 to 14");
        }
        String sValue = "";
        OnnxTensorProto tValue = null;
        List<Float> floatValues = new ArrayList<>();
        List<Long> intValues = new ArrayList<>();
        List<String> stringValues = new ArrayList<>();
        switch (type) {
            case STRING -> sValue = s == null ? "" : r.string(s, "s");
            case TENSOR -> {
                if (t == null) throw r.error(path, "a TENSOR attribute without its tensor (t, field 5)");
                tValue = tensors.tensor(r.at(t, path.child("t")));
            }
            case FLOATS -> {
                for (Span run : floats) {
                    budget.items(r, run.length() / 4);
                    ProtoReader values = r.at(run, path);
                    while (values.hasMore()) floatValues.add(Float.intBitsToFloat(values.fixed32()));
                }
            }
            case INTS -> {
                for (Span run : ints) {
                    budget.items(r, r.countVarints(run, "ints"));
                    ProtoReader values = r.at(run, path);
                    while (values.hasMore()) intValues.add(values.varint());
                }
            }
            case STRINGS -> {
                for (Span string : strings) stringValues.add(r.string(string, "strings"));
            }
            default -> {
                // FLOAT and INT are read above; the values of the other types are not read (OnnxAttribute).
            }
        }
        return new OnnxAttribute(name, type, type == OnnxAttribute.Type.FLOAT ? f : 0,
                type == OnnxAttribute.Type.INT ? i : 0, sValue, tValue, floatValues, intValues, stringValues);
    }

    /** The value info {@code r} reads, or null if it gives no type and {@code typeRequired} is false. */
    private OnnxValueInfo valueInfo(ProtoReader r, boolean typeRequired) throws OnnxFormatException {
        String name = "";
        Span type = null;
        while (r.hasMore()) {
            int tag = r.tag();
            switch (ProtoReader.field(tag)) {
                case VALUE_INFO_NAME -> name = r.string(tag, "name");
                case VALUE_INFO_TYPE -> {
                    if (type != null) throw r.error("type (field 2) given twice; a value has one type");
                    type = r.span(tag, "type");
                }
                default -> r.skip(tag);
            }
        }
        FieldPath path = r.path().labeled("'" + name + "'");
        if (type == null) {
            if (typeRequired) throw r.error(path, "no type (field 2): a graph's inputs and outputs give theirs");
            return null;
        }
        ProtoReader typeProto = r.at(type, path.child("type"));
        Span tensorType = null;
        while (typeProto.hasMore()) {
            int tag = typeProto.tag();
            switch (ProtoReader.field(tag)) {
                case TYPE_TENSOR -> {
                    if (tensorType != null) throw typeProto.error("tensor_type (field 1) given twice");
                    tensorType = typeProto.span(tag, "tensor_type");
                }
                case TYPE_SEQUENCE, TYPE_MAP, TYPE_SPARSE_TENSOR, TYPE_OPTIONAL -> throw typeProto.error("a "
                        + switch (ProtoReader.field(tag)) {
                            case TYPE_SEQUENCE -> "sequence";
                            case TYPE_MAP -> "map";
                            case TYPE_SPARSE_TENSOR -> "sparse tensor";
                            default -> "optional";
                        } + " type; jdnn reads values of tensor types only");
                default -> typeProto.skip(tag);
            }
        }
        if (tensorType == null) throw typeProto.error("no tensor_type (field 1); jdnn reads values of tensor types only");
        ProtoReader tensor = r.at(tensorType, path.child("type").child("tensor_type"));
        long elemType = 0;
        Optional<List<Dim>> shape = Optional.empty();
        while (tensor.hasMore()) {
            int tag = tensor.tag();
            switch (ProtoReader.field(tag)) {
                case TENSOR_TYPE_ELEM_TYPE -> elemType = tensor.int32(tag, "elem_type");
                case TENSOR_TYPE_SHAPE -> {
                    if (shape.isPresent()) throw tensor.error("shape (field 2) given twice");
                    shape = Optional.of(shape(tensor.message(tag, "shape", tensor.path().child("shape"))));
                }
                default -> tensor.skip(tag);
            }
        }
        OnnxDataType elem = OnnxDataType.ofCode(elemType);
        if (elem == null) throw tensor.error("elem_type: " + OnnxDataType.refusal(elemType));
        return new OnnxValueInfo(name, elem, shape);
    }

    private List<Dim> shape(ProtoReader r) throws OnnxFormatException {
        List<Dim> dims = new ArrayList<>();
        while (r.hasMore()) {
            int tag = r.tag();
            if (ProtoReader.field(tag) != SHAPE_DIM) {
                r.skip(tag);
                continue;
            }
            budget.item(r);
            if (dims.size() == OnnxModel.MAX_RANK) {
                throw r.error("more than " + OnnxModel.MAX_RANK + " dims; jdnn reads values of at most "
                        + OnnxModel.MAX_RANK + " dimensions");
            }
            ProtoReader dim = r.message(tag, "dim", r.path().child("dim", dims.size()));
            Dim value = Dim.UNKNOWN;
            while (dim.hasMore()) {
                int field = dim.tag();
                switch (ProtoReader.field(field)) {
                    // dim_value and dim_param are a oneof: the last one given is the value, as in protobuf.
                    case DIM_VALUE -> {
                        long size = dim.int64(field, "dim_value");
                        if (size < 0) {
                            throw dim.error("dim_value " + size + ": a size is 0 or more; an unknown one is left out"
                                    + " or named by dim_param");
                        }
                        value = Dim.of(size);
                    }
                    case DIM_PARAM -> value = Dim.named(dim.string(field, "dim_param"));
                    default -> dim.skip(field);
                }
            }
            dims.add(value);
        }
        return dims;
    }
}
