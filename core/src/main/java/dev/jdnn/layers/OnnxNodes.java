package dev.jdnn.layers;

import java.util.List;

/**
 * What a node becomes in an ONNX graph: an {@link Op} writes its nodes in {@link Op#exportOnnx} through this, and jdnn's
 * exporter names values and initializers, folds batch norm where asked and writes the protobuf. Every call is about
 * the node being exported.
 */
public interface OnnxNodes {
    /** An ONNX attribute made by {@link #ints}, {@link #integer} or {@link #real}. */
    interface Attribute {}

    /** The per-sample shape of the node's first input. */
    long[] inputShape();

    /** The name of the value the next ONNX node reads: the node's first input, then each added node's output. */
    String current();

    /** The names of the node's inputs, in order. */
    List<String> inputs();

    /** Adds an ONNX node of {@code opType} reading {@code inputs}; its output becomes {@link #current()}. */
    void node(String opType, List<String> inputs, Attribute... attributes);

    /**
     * The node's weight and, if it has one or batch norm is folded into it, its bias, as initializer names: the
     * convolution or dense layer's parameters with a following batch norm folded in when the export folds them.
     */
    List<String> affineInitializers();

    /** The node's parameters as initializers of their own names, in order. */
    List<String> parameterInitializers();

    /** A scalar float initializer named after the node and {@code name}. */
    String constant(String name, float value);

    Attribute ints(String name, long... values);

    Attribute integer(String name, long value);

    Attribute real(String name, float value);

    /** The exception for a node that this opset cannot express, with {@code why}. */
    RuntimeException unsupported(String why);
}
