package dev.jdnn.onnx;

import dev.jdnn.layers.Graph;
import dev.jdnn.layers.Op;
import dev.jdnn.layers.BatchNorm;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.OnnxNodes;
import dev.jdnn.layers.Parameter;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A network's graph as ONNX nodes and initializers (opset {@value OnnxExport#OPSET}), node by node in order: Conv,
 * BatchNormalization (or folded), the activation's operator or the few that compute it, MaxPool / AveragePool,
 * Flatten, Gemm, Add, Mul, Concat; dropout, the identity at inference, and linear activations write nothing. Values are named after
 * the layer's path in the network ({@code /0.0/Conv_output_0}, then {@code /0.0/Mul_1_output_0} for a second Mul
 * of the layer), initializers after jdnn's parameter names ({@code 0.0.weight}) or, for an activation's constants,
 * after the layer's path and their use ({@code /0.2/Clip_max}), the graph input {@value OnnxExport#INPUT} and the last
 * node's output {@value OnnxExport#OUTPUT}.
 */
final class OnnxGraph implements OnnxNodes {
    /** The activations that have an operator of their own in the opset written, for the refusal's message. */
    static final String EXPORTABLE_ACTIVATIONS = "linear, relu, sigmoid, tanh, leaky-relu, elu, selu, softplus"
            + " (beta 1), softmax, swish (beta 1), relu6, hard-sigmoid, hard-swish, gelu, gelu-tanh";

    /** A node of the graph with its parameters and per-sample input shape (the first input's). */
    private record Placed(String path, Op layer, List<Parameter> parameters, long[] inputShape) {}

    /** A node before it is written: the last node's output is renamed to the graph's output at the end. */
    private record Node(String opType, String name, List<String> inputs, String output, List<ProtoWriter> attributes) {}

    private final OnnxExport.BatchNormMode batchNorm;
    private final List<Node> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    /** The node names written, each unique: a second Mul of a layer is named Mul_1. */
    private final Set<String> names = new HashSet<>();
    /** The value the next node reads: the node's first input, then each node's output. */
    private String current = OnnxExport.INPUT;
    /** The value that is the graph's output. */
    private String output;
    /** The node being exported, the names of its inputs, and the batch norm folded into it (or null). */
    private Placed placed;
    private List<String> inputs;
    private Placed next;

    private OnnxGraph(OnnxExport.BatchNormMode batchNorm) {
        this.batchNorm = batchNorm;
    }

    /**
     * The nodes and initializers of {@code network}, node by node in graph order.
     *
     * @throws OnnxExportException for a layer or activation without an ONNX operator in the opset written
     */
    static OnnxGraph of(Network network, OnnxExport.BatchNormMode batchNorm) {
        Graph graph = network.graph();
        List<Parameter> parameters = network.parameters().parameters();
        OnnxGraph onnx = new OnnxGraph(batchNorm);
        String[] names = new String[graph.nodes().size() + 1];
        names[0] = OnnxExport.INPUT;
        boolean[] folded = new boolean[graph.nodes().size()];
        for (int i = 0; i < graph.nodes().size(); i++) {
            Graph.Node node = graph.node(i);
            List<String> inputs = node.inputs().stream().map(v -> names[v]).toList();
            onnx.current = inputs.getFirst();
            if (!folded[i]) {
                Placed next = onnx.foldableNext(graph, i, parameters);
                onnx.add(place(graph, i, parameters), inputs, next);
                if (next != null) folded[graph.uses(i + 1).getFirst().node()] = true;
            }
            names[i + 1] = onnx.current;
        }
        if (onnx.nodes.isEmpty()) throw new OnnxExportException("the network computes nothing to export: no layer"
                + " writes an ONNX node");
        onnx.output = names[graph.output()];
        return onnx;
    }

    private static Placed place(Graph graph, int node, List<Parameter> parameters) {
        int start = graph.parameterStart(node);
        return new Placed(graph.node(node).name(), graph.node(node).op(),
                parameters.subList(start, start + graph.parameterCount(node)), graph.inputShapes(node).getFirst());
    }

    /** The batch norm that node {@code node}'s output alone feeds, when it is folded into the node; else null. */
    private Placed foldableNext(Graph graph, int node, List<Parameter> parameters) {
        List<Graph.Use> uses = node + 1 < graph.output() ? graph.uses(node + 1) : List.of();
        if (batchNorm != OnnxExport.BatchNormMode.FOLDED || uses.size() != 1) return null;
        Op op = graph.node(node).op();
        int reader = uses.getFirst().node();
        boolean affine = op instanceof Convolution2D || op instanceof Dense;
        return affine && graph.node(reader).op() instanceof BatchNorm ? place(graph, reader, parameters) : null;
    }

    /** The op types of the nodes, in graph order. */
    List<String> operators() {
        return nodes.stream().map(Node::opType).toList();
    }

    List<ProtoWriter> nodes() {
        List<ProtoWriter> written = new ArrayList<>();
        for (Node node : nodes) {
            // The node that gives the graph's output writes it under the graph output's name.
            String output = node.output().equals(this.output) ? OnnxExport.OUTPUT : node.output();
            List<String> inputs = node.inputs().stream().map(v -> v.equals(this.output) ? OnnxExport.OUTPUT : v)
                    .toList();
            written.add(OnnxMessages.node(node.opType(), node.name(), inputs, List.of(output), node.attributes()));
        }
        return written;
    }

    List<ProtoWriter> initializers() {
        return initializers;
    }

    /** Adds the nodes of {@code placed}, reading {@code inputs}, with {@code next} (a batch norm) folded in if given. */
    private void add(Placed placed, List<String> inputs, Placed next) {
        this.placed = placed;
        this.inputs = inputs;
        this.next = next;
        placed.layer().exportOnnx(this);
    }

    @Override
    public long[] inputShape() {
        return placed.inputShape();
    }

    @Override
    public String current() {
        return current;
    }

    @Override
    public List<String> inputs() {
        return inputs;
    }

    @Override
    public void node(String opType, List<String> inputs, Attribute... attributes) {
        node(opType, placed.path(), inputs,
                Arrays.stream(attributes).map(a -> ((WrittenAttribute) a).proto()).toArray(ProtoWriter[]::new));
    }

    @Override
    public List<String> affineInitializers() {
        return List.of(affineInitializers(placed, next));
    }

    @Override
    public List<String> parameterInitializers() {
        return placed.parameters().stream().map(p -> initializer(p.spec().name(), p.spec().dims(), values(p))).toList();
    }

    /** A scalar initializer named {@code /path/name}. */
    @Override
    public String constant(String name, float value) {
        return initializer("/" + placed.path() + "/" + name, new long[0], new float[] {value});
    }

    @Override
    public Attribute ints(String name, long... values) {
        return new WrittenAttribute(OnnxMessages.intsAttribute(name, values));
    }

    @Override
    public Attribute integer(String name, long value) {
        return new WrittenAttribute(OnnxMessages.intAttribute(name, value));
    }

    @Override
    public Attribute real(String name, float value) {
        return new WrittenAttribute(OnnxMessages.floatAttribute(name, value));
    }

    @Override
    public OnnxExportException unsupported(String why) {
        return new OnnxExportException("layer " + placed.path() + ": " + placed.layer().name() + " cannot be exported"
                + " to ONNX opset " + OnnxExport.OPSET + " (" + why + "); exportable activations: "
                + EXPORTABLE_ACTIVATIONS);
    }

    /** An attribute as its protobuf message. */
    private record WrittenAttribute(ProtoWriter proto) implements Attribute {}

    /**
     * The weight and bias initializers of a convolution or dense layer, with {@code norm}'s batch norm folded in
     * when given, as jdnn's compiled model folds it ({@link BatchNorm#foldInto}). A convolution without a bias gets
     * only its weight, or, with batch norm folded in, the bias the fold makes of a zero one, named after the weight
     * ({@code 0.0.bias} beside {@code 0.0.weight}).
     */
    private String[] affineInitializers(Placed layer, Placed norm) {
        Parameter weight = layer.parameters().get(0);
        float[] w = values(weight);
        boolean hasBias = layer.parameters().size() > 1;
        if (!hasBias && norm == null) {
            return new String[] {initializer(weight.spec().name(), weight.spec().dims(), w)};
        }
        long channels = weight.spec().dims()[0];
        float[] b = hasBias ? values(layer.parameters().get(1)) : new float[Math.toIntExact(channels)];
        if (norm != null) ((BatchNorm) norm.layer()).foldInto(w, b, norm.parameters());
        String weightName = weight.spec().name();
        String biasName = hasBias ? layer.parameters().get(1).spec().name()
                : weightName.substring(0, weightName.length() - "weight".length()) + "bias";
        return new String[] {initializer(weightName, weight.spec().dims(), w),
                initializer(biasName, new long[] {channels}, b)};
    }

    private String initializer(String name, long[] dims, float[] values) {
        initializers.add(OnnxMessages.floatTensor(name, dims, values));
        return name;
    }

    private static float[] values(Parameter parameter) {
        return parameter.value().toArray(ValueLayout.JAVA_FLOAT);
    }

    private void node(String opType, String path, List<String> inputs, ProtoWriter... attributes) {
        String name = "/" + path + "/" + opType;
        for (int i = 1; !names.add(name); i++) name = "/" + path + "/" + opType + "_" + i;
        String output = name + "_output_0";
        nodes.add(new Node(opType, name, List.copyOf(inputs), output, List.of(attributes)));
        current = output;
    }
}
