package dev.jdnn.onnx;

import java.util.List;
import java.util.Objects;

/**
 * The graph of an ONNX model ({@code GraphProto}): nodes in topological order, the initializers (named constant
 * tensors, the trained parameters), the graph's inputs and outputs and what the file records of intermediate values.
 * Named {@code ...Proto} to keep it apart from the exporter's graph.
 *
 * @param inputs the graph's inputs; files of IR version 3 and earlier list the initializers here too
 * @param valueInfo the types of intermediate values the file records (entries that give no type are left out)
 */
public record OnnxGraphProto(String name, List<OnnxNode> nodes, List<OnnxTensorProto> initializers,
                             List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs, List<OnnxValueInfo> valueInfo) {
    public OnnxGraphProto {
        Objects.requireNonNull(name, "name");
        nodes = List.copyOf(nodes);
        initializers = List.copyOf(initializers);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        valueInfo = List.copyOf(valueInfo);
    }
}
