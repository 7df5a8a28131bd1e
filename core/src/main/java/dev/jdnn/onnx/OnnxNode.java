package dev.jdnn.onnx;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A node of an ONNX graph ({@code NodeProto}): an operator applied to named values.
 *
 * @param name the node's name, empty if it has none
 * @param domain the operator set's domain, empty for ONNX's own ({@code ai.onnx})
 * @param inputs the names of its input values in order; an empty name is an optional input left out
 * @param attributes its attributes, their names distinct
 */
public record OnnxNode(String opType, String name, String domain, List<String> inputs, List<String> outputs,
                       List<OnnxAttribute> attributes) {
    public OnnxNode {
        Objects.requireNonNull(opType, "opType");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(domain, "domain");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = List.copyOf(attributes);
    }

    /** The attribute called {@code name}, if the node has one. */
    public Optional<OnnxAttribute> attribute(String name) {
        for (OnnxAttribute attribute : attributes) if (attribute.name().equals(name)) return Optional.of(attribute);
        return Optional.empty();
    }
}
