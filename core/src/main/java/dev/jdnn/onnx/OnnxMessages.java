package dev.jdnn.onnx;

import java.util.List;
import java.util.Map;

/**
 * The ONNX messages jdnn writes, each as a {@link ProtoWriter}: ModelProto, OperatorSetIdProto, GraphProto,
 * NodeProto, AttributeProto, TensorProto, ValueInfoProto (with TypeProto and TensorShapeProto) and
 * StringStringEntryProto. The field numbers are those of onnx/onnx.proto (github.com/onnx/onnx, the
 * file every ONNX reader is generated from; unchanged since IR version 7), named here after its fields.
 */
final class OnnxMessages {
    /** TensorProto.DataType.FLOAT. */
    static final int FLOAT = 1;

    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_DOC_STRING = 6;
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
    private static final int GRAPH_DOC_STRING = 10;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    // AttributeProto and its AttributeType enum
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_F = 2;
    private static final int ATTRIBUTE_I = 3;
    private static final int ATTRIBUTE_INTS = 8;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int TYPE_FLOAT = 1;
    private static final int TYPE_INT = 2;
    private static final int TYPE_INTS = 7;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_NAME = 8;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR_TYPE = 1;
    private static final int TENSOR_TYPE_ELEM_TYPE = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;

    private OnnxMessages() {}

    /** One dimension of a graph input or output: a fixed size, or a symbolic name such as a dynamic batch "N". */
    record Dim(long value, String param) {
        static Dim of(long value) {
            return new Dim(value, null);
        }

        static Dim named(String param) {
            return new Dim(0, param);
        }
    }

    /** A ModelProto importing the default domain's operator set {@code opset}. */
    static ProtoWriter model(long irVersion, long opset, String producer, String producerVersion, String doc,
                             Map<String, String> metadata, ProtoWriter graph) {
        ProtoWriter model = new ProtoWriter().int64(MODEL_IR_VERSION, irVersion)
                .string(MODEL_PRODUCER_NAME, producer).string(MODEL_PRODUCER_VERSION, producerVersion)
                .string(MODEL_DOC_STRING, doc).message(MODEL_GRAPH, graph)
                .message(MODEL_OPSET_IMPORT, new ProtoWriter().string(OPSET_DOMAIN, "").int64(OPSET_VERSION, opset));
        metadata.forEach((key, value) -> model.message(MODEL_METADATA_PROPS,
                new ProtoWriter().string(ENTRY_KEY, key).string(ENTRY_VALUE, value)));
        return model;
    }

    static ProtoWriter graph(String name, String doc, List<ProtoWriter> nodes, List<ProtoWriter> initializers,
                             List<ProtoWriter> inputs, List<ProtoWriter> outputs) {
        ProtoWriter graph = new ProtoWriter();
        for (ProtoWriter node : nodes) graph.message(GRAPH_NODE, node);
        graph.string(GRAPH_NAME, name);
        for (ProtoWriter tensor : initializers) graph.message(GRAPH_INITIALIZER, tensor);
        graph.string(GRAPH_DOC_STRING, doc);
        for (ProtoWriter input : inputs) graph.message(GRAPH_INPUT, input);
        for (ProtoWriter output : outputs) graph.message(GRAPH_OUTPUT, output);
        return graph;
    }

    static ProtoWriter node(String opType, String name, List<String> inputs, List<String> outputs,
                            List<ProtoWriter> attributes) {
        ProtoWriter node = new ProtoWriter();
        for (String input : inputs) node.string(NODE_INPUT, input);
        for (String output : outputs) node.string(NODE_OUTPUT, output);
        node.string(NODE_NAME, name).string(NODE_OP_TYPE, opType);
        for (ProtoWriter attribute : attributes) node.message(NODE_ATTRIBUTE, attribute);
        return node;
    }

    static ProtoWriter floatAttribute(String name, float value) {
        return new ProtoWriter().string(ATTRIBUTE_NAME, name).float32(ATTRIBUTE_F, value)
                .int64(ATTRIBUTE_TYPE, TYPE_FLOAT);
    }

    static ProtoWriter intAttribute(String name, long value) {
        return new ProtoWriter().string(ATTRIBUTE_NAME, name).int64(ATTRIBUTE_I, value).int64(ATTRIBUTE_TYPE, TYPE_INT);
    }

    static ProtoWriter intsAttribute(String name, long... values) {
        return new ProtoWriter().string(ATTRIBUTE_NAME, name).int64s(ATTRIBUTE_INTS, values)
                .int64(ATTRIBUTE_TYPE, TYPE_INTS);
    }

    /** A float TensorProto (an initializer) of {@code dims}, its values in row-major order. */
    static ProtoWriter floatTensor(String name, long[] dims, float[] values) {
        return new ProtoWriter().int64s(TENSOR_DIMS, dims).int64(TENSOR_DATA_TYPE, FLOAT)
                .packedFloats(TENSOR_FLOAT_DATA, values).string(TENSOR_NAME, name);
    }

    /** A ValueInfoProto of a float tensor with these dimensions. */
    static ProtoWriter floatValueInfo(String name, List<Dim> dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Dim dim : dims) {
            shape.message(SHAPE_DIM, dim.param() == null ? new ProtoWriter().int64(DIM_VALUE, dim.value())
                    : new ProtoWriter().string(DIM_PARAM, dim.param()));
        }
        ProtoWriter tensorType = new ProtoWriter().int64(TENSOR_TYPE_ELEM_TYPE, FLOAT).message(TENSOR_TYPE_SHAPE, shape);
        return new ProtoWriter().string(VALUE_INFO_NAME, name)
                .message(VALUE_INFO_TYPE, new ProtoWriter().message(TYPE_TENSOR_TYPE, tensorType));
    }
}
