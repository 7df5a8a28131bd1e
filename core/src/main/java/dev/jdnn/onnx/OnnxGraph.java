package dev.jdnn.onnx;

import dev.jdnn.layers.Activation;
import dev.jdnn.layers.Add;
import dev.jdnn.layers.Concat;
import dev.jdnn.layers.Graph;
import dev.jdnn.layers.Mul;
import dev.jdnn.layers.Op;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.BatchNorm;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Dropout;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.GlobalAveragePooling2D;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Parameter;
import dev.jdnn.layers.PoolMode;
import dev.jdnn.layers.Pooling2D;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
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
final class OnnxGraph {
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
        long[] in = placed.inputShape();
        switch (placed.layer()) {
            case Convolution2D conv -> {
                String[] parameters = affineInitializers(placed, next);
                long[][] pads = conv.paddings(in);
                List<ProtoWriter> attributes = new ArrayList<>(List.of(
                        OnnxMessages.intsAttribute("kernel_shape", conv.filterSize(), conv.filterSize()),
                        OnnxMessages.intsAttribute("strides", conv.stride(), conv.stride()),
                        // ONNX orders pads as all the starts, then all the ends: top, left, bottom, right.
                        OnnxMessages.intsAttribute("pads", pads[0][0], pads[0][1], pads[1][0], pads[1][1])));
                // ONNX counts dilation as jdnn does (1: no gaps) and stores grouped weights as jdnn does,
                // [out, in / group, kh, kw]; both default to 1, so an ordinary convolution's node stays as it was.
                if (conv.dilation() != 1) {
                    attributes.add(OnnxMessages.intsAttribute("dilations", conv.dilation(), conv.dilation()));
                }
                if (conv.groups() != 1) attributes.add(OnnxMessages.intAttribute("group", conv.groups()));
                List<String> convInputs = new ArrayList<>(List.of(current));
                convInputs.addAll(List.of(parameters)); // no B input for a bias-free convolution without batch norm
                node("Conv", placed.path(), convInputs, attributes.toArray(ProtoWriter[]::new));
            }
            case Dense ignored -> {
                if (in.length != 1) {
                    // A dense layer reading C x H x W takes its features in that (row-major) order, as Flatten gives.
                    node("Flatten", placed.path(), List.of(current), OnnxMessages.intAttribute("axis", 1));
                }
                String[] parameters = affineInitializers(placed, next);
                // Y = A B^T + C with B the weights as jdnn stores them, outputs x inputs.
                node("Gemm", placed.path(), List.of(current, parameters[0], parameters[1]),
                        OnnxMessages.intAttribute("transB", 1));
            }
            case BatchNorm norm -> {
                List<String> normInputs = new ArrayList<>(List.of(current));
                for (Parameter p : placed.parameters()) {
                    normInputs.add(initializer(p.spec().name(), p.spec().dims(), values(p)));
                }
                node("BatchNormalization", placed.path(), normInputs,
                        OnnxMessages.floatAttribute("epsilon", (float) norm.epsilon()));
            }
            case Activation activation -> activation(placed.path(), activation);
            case Pooling2D pool -> {
                long[][] pads = pool.paddings(in);
                List<ProtoWriter> attributes = new ArrayList<>(List.of(
                        OnnxMessages.intsAttribute("kernel_shape", pool.filterSize(), pool.filterSize()),
                        OnnxMessages.intsAttribute("strides", pool.stride(), pool.stride()),
                        OnnxMessages.intsAttribute("pads", pads[0][0], pads[0][1], pads[1][0], pads[1][1])));
                // Whether padded positions count in a window's mean, made explicit (ONNX's default excludes them).
                if (pool.mode() == PoolMode.AVG) {
                    attributes.add(OnnxMessages.intAttribute("count_include_pad", pool.countIncludePad() ? 1 : 0));
                }
                node(pool.mode() == PoolMode.MAX ? "MaxPool" : "AveragePool", placed.path(), List.of(current),
                        attributes.toArray(ProtoWriter[]::new));
            }
            case GlobalAveragePooling2D ignored -> node("GlobalAveragePool", placed.path(), List.of(current));
            case Flatten ignored -> node("Flatten", placed.path(), List.of(current), OnnxMessages.intAttribute("axis", 1));
            case Dropout ignored -> { } // the identity at inference
            // ONNX broadcasts multidirectionally: N x C x 1 x 1 against N x C x H x W is the per-channel product.
            case Add ignored -> node("Add", placed.path(), inputs);
            case Mul ignored -> node("Mul", placed.path(), inputs);
            case Concat ignored -> node("Concat", placed.path(), inputs, OnnxMessages.intAttribute("axis", 1));
            default -> throw new OnnxExportException("layer " + placed.path() + " " + placed.layer().name() + " ("
                    + placed.layer().getClass().getSimpleName() + ") has no ONNX export; exportable: convolution, "
                    + "dense, batch norm, activations (" + EXPORTABLE_ACTIVATIONS + "), pooling, global average "
                    + "pooling, flatten, dropout, add, mul, concat");
        }
    }

    private void activation(String path, Activation activation) {
        float p = (float) activation.parameter();
        switch (activation.function()) {
            case LINEAR -> { } // the identity
            case RELU -> node("Relu", path, List.of(current));
            case SIGMOID -> node("Sigmoid", path, List.of(current));
            case TANH -> node("Tanh", path, List.of(current));
            case LEAKY_RELU -> node("LeakyRelu", path, List.of(current), OnnxMessages.floatAttribute("alpha", p));
            case ELU -> node("Elu", path, List.of(current), OnnxMessages.floatAttribute("alpha", p));
            case SELU -> node("Selu", path, List.of(current),
                    OnnxMessages.floatAttribute("alpha", (float) ActivationFunction.SELU_ALPHA),
                    OnnxMessages.floatAttribute("gamma", (float) ActivationFunction.SELU_SCALE));
            // Opset 13's Softmax normalizes along the one axis given: the features, or each pixel's channels.
            case SOFTMAX -> node("Softmax", path, List.of(current), OnnxMessages.intAttribute("axis", 1));
            case SOFTPLUS -> {
                if (activation.parameter() != 1) throw unsupported(path, activation, "ONNX's Softplus has no beta");
                node("Softplus", path, List.of(current));
            }
            // Opset 13 has no Swish (24), HardSwish (14) or Gelu (20): they are written as the formulas they are.
            case SWISH -> {
                if (activation.parameter() != 1) throw unsupported(path, activation, "silu, swish with beta 1, is"
                        + " written as x * Sigmoid(x); ONNX has no Swish before opset 24");
                String x = current;
                node("Sigmoid", path, List.of(x));
                node("Mul", path, List.of(x, current));
            }
            case RELU6 -> node("Clip", path, List.of(current, constant(path, "Clip_min", 0),
                    constant(path, "Clip_max", 6)));
            case HARD_SIGMOID -> hardSigmoid(path);
            case HARD_SWISH -> {
                String x = current;
                hardSigmoid(path);
                node("Mul", path, List.of(x, current));
            }
            case GELU -> {
                // 0.5 x (1 + erf(x / sqrt 2)), as PyTorch writes gelu before opset 20.
                String x = current;
                node("Div", path, List.of(x, constant(path, "Div_sqrt2", (float) Math.sqrt(2))));
                halfXTimesOnePlus("Erf", path, x);
            }
            case GELU_TANH -> {
                // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
                String x = current;
                node("Mul", path, List.of(x, x));
                node("Mul", path, List.of(current, x));
                node("Mul", path, List.of(current, constant(path, "Mul_cubic", 0.044715f)));
                node("Add", path, List.of(x, current));
                node("Mul", path, List.of(current,
                        constant(path, "Mul_sqrt_2_over_pi", (float) Math.sqrt(2 / Math.PI))));
                halfXTimesOnePlus("Tanh", path, x);
            }
        }
    }

    /** PyTorch's hard-sigmoid, relu6(x + 3) / 6. */
    private void hardSigmoid(String path) {
        node("HardSigmoid", path, List.of(current), OnnxMessages.floatAttribute("alpha", 1 / 6f),
                OnnxMessages.floatAttribute("beta", 0.5f));
    }

    /** 0.5 x (1 + f(current)): the end of both gelu forms. */
    private void halfXTimesOnePlus(String function, String path, String x) {
        node(function, path, List.of(current));
        node("Add", path, List.of(current, constant(path, "Add_one", 1)));
        node("Mul", path, List.of(x, current));
        node("Mul", path, List.of(current, constant(path, "Mul_half", 0.5f)));
    }

    /** A scalar initializer named {@code /path/name}. */
    private String constant(String path, String name, float value) {
        return initializer("/" + path + "/" + name, new long[0], new float[] {value});
    }

    private static OnnxExportException unsupported(String path, Activation activation, String why) {
        return new OnnxExportException("layer " + path + ": activation " + activation.name() + " cannot be exported"
                + " to ONNX opset " + OnnxExport.OPSET + " (" + why + "); exportable activations: "
                + EXPORTABLE_ACTIVATIONS);
    }

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
