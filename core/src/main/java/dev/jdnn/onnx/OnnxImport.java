package dev.jdnn.onnx;

import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.BatchNorm1D;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Concat;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.GlobalAveragePooling2D;
import dev.jdnn.layers.Graph;
import dev.jdnn.layers.GraphBuilder;
import dev.jdnn.layers.Op;
import dev.jdnn.layers.Pads;
import dev.jdnn.layers.PoolMode;
import dev.jdnn.layers.Pooling2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An ONNX model as a jdnn {@link Graph} with the values of its parameters: each ONNX node becomes the jdnn operation
 * that computes the same (Conv with its weights, BatchNormalization with its statistics, Gemm and MatMul with a
 * constant operand as a dense layer, the activations, pooling, Add, Mul, Concat, Flatten and the Reshape to
 * [N, -1] exporters write before a classifier), Dropout and Identity pass their input on, and the shape arithmetic
 * exporters write (Shape, Gather, Unsqueeze, Concat, Cast, Slice on constants) is evaluated at import. The batch
 * dimension stays free: the graph is per sample, like every jdnn graph.
 * <p>Anything else is refused with an {@link OnnxImportException} naming the node, its operator and what is
 * supported. Node names become jdnn node names (characters jdnn does not allow replaced by '_'), so a parameter is
 * named {@code <node>.weight}, {@code <node>.bias} and so on.
 */
public final class OnnxImport {
    /** The operators imported, for refusals. */
    static final String SUPPORTED = "Conv, BatchNormalization, Relu, Clip (as relu6 or relu), LeakyRelu, Elu, Selu,"
            + " Sigmoid, Tanh, HardSigmoid (alpha 1/6), HardSwish, Softplus, Gelu, Softmax (axis 1), Add, Mul,"
            + " Concat (axis 1), MaxPool, AveragePool, GlobalAveragePool, ReduceMean (spatial axes), Gemm, MatMul"
            + " (constant operand), Flatten (axis 1), Reshape (to [N, -1] or no change), Dropout, Identity, Pad (of zeros),"
            + " Constant,"
            + " and Shape, Gather, Unsqueeze, Squeeze, Cast, Slice, Concat on constants";
    /** The batch dimension inside shape constants: free, so only carried through, never computed with. */
    static final long BATCH = Long.MIN_VALUE + 7;
    private static final Pattern BAD_NAME_CHARACTERS = Pattern.compile("[^A-Za-z0-9_./-]");

    /** The imported network: its graph and each parameter's values (plain layout), by parameter name. */
    public record Imported(Graph graph, Map<String, float[]> parameters) {}

    /** A constant: dims (batch first where it is a shape) and values as floats or longs. */
    private record Constant(long[] dims, float[] floats, long[] longs) {
        static Constant of(OnnxTensorProto t) {
            long[] dims = t.dims().stream().mapToLong(Long::longValue).toArray();
            return t.dataType().isFloatingPoint() ? new Constant(dims, t.floats(), null)
                    : new Constant(dims, null, t.longs());
        }

        static Constant longs(long... values) {
            return new Constant(new long[] {values.length}, null, values);
        }

        long[] asLongs() {
            if (longs != null) return longs;
            long[] out = new long[floats.length];
            for (int i = 0; i < out.length; i++) out[i] = (long) floats[i];
            return out;
        }

        float[] asFloats() {
            if (floats != null) return floats;
            float[] out = new float[longs.length];
            for (int i = 0; i < out.length; i++) out[i] = longs[i];
            return out;
        }

        long count() {
            return floats != null ? floats.length : longs.length;
        }
    }

    private final String file;
    private final GraphBuilder builder;
    private final Map<String, GraphBuilder.Value> values = new HashMap<>();
    private final Map<String, Constant> constants = new HashMap<>();
    private final Map<String, float[]> parameters = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();
    private OnnxNode node;

    private OnnxImport(String file, long[] inputShape) {
        this.file = file;
        this.builder = new GraphBuilder(inputShape);
    }

    /**
     * The graph and parameters of {@code model}.
     *
     * @throws OnnxImportException if the model has other than one image input and one output, uses an operator or
     *     attribute jdnn does not import, or its shapes do not fit
     */
    public static Imported of(OnnxModel model, String file) {
        OnnxGraphProto graph = model.graph();
        Set<String> initializerNames = new HashSet<>();
        for (OnnxTensorProto t : graph.initializers()) initializerNames.add(t.name());
        List<OnnxValueInfo> inputs = graph.inputs().stream().filter(i -> !initializerNames.contains(i.name())).toList();
        if (inputs.size() != 1 || graph.outputs().size() != 1) {
            throw new OnnxImportException(file + ": jdnn imports models of one input and one output, this one has "
                    + inputs.size() + " inputs and " + graph.outputs().size() + " outputs");
        }
        OnnxValueInfo input = inputs.getFirst();
        long[] inputShape = perSampleShape(file, input);
        OnnxImport importer = new OnnxImport(file, inputShape);
        for (OnnxTensorProto t : graph.initializers()) importer.constants.put(t.name(), Constant.of(t));
        importer.values.put(input.name(), importer.builder.input());
        for (OnnxNode n : graph.nodes()) importer.add(n);
        String output = graph.outputs().getFirst().name();
        GraphBuilder.Value result = importer.values.get(output);
        if (result == null) {
            throw new OnnxImportException(file + ": the output '" + output + "' is a constant or not computed by any"
                    + " node");
        }
        Graph built;
        try {
            built = importer.builder.build(result);
        } catch (IllegalArgumentException e) {
            throw new OnnxImportException(file + ": " + e.getMessage(), e);
        }
        Map<String, float[]> kept = new LinkedHashMap<>();
        for (var spec : built.parameters()) kept.put(spec.name(), importer.parameters.get(spec.name()));
        return new Imported(built, kept);
    }

    private static long[] perSampleShape(String file, OnnxValueInfo input) {
        List<OnnxValueInfo.Dim> dims = input.shape().orElseThrow(() -> new OnnxImportException(file + ": the input '"
                + input.name() + "' has no shape; jdnn needs N x C x H x W (or N x F) with fixed C, H, W"));
        if (dims.size() < 2) {
            throw new OnnxImportException(file + ": the input '" + input.name() + "' has rank " + dims.size()
                    + "; jdnn needs a batch dimension and at least one more");
        }
        long[] shape = new long[dims.size() - 1];
        for (int i = 1; i < dims.size(); i++) {
            if (!dims.get(i).isFixed() || dims.get(i).value() < 1) {
                throw new OnnxImportException(file + ": dimension " + i + " of the input '" + input.name()
                        + "' is not a fixed positive size (" + dims.get(i) + "); only the batch may vary");
            }
            shape[i - 1] = dims.get(i).value();
        }
        return shape;
    }

    private void add(OnnxNode n) {
        this.node = n;
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) {
            throw refuse("operator domain '" + n.domain() + "' is not ONNX's own");
        }
        if (n.outputs().isEmpty() || n.outputs().getFirst().isEmpty()) throw refuse("the node has no output");
        String output = n.outputs().getFirst();
        if (values.containsKey(output) || constants.containsKey(output)) {
            throw refuse("its output '" + output + "' is computed before: ONNX values are assigned once");
        }
        if (n.opType().equals("Shape") && !isConstant(0)) {
            shape();
            return;
        }
        if (allInputsConstant() && foldConstant()) return;
        try {
            switch (n.opType()) {
                case "Conv" -> conv();
                case "BatchNormalization" -> batchNorm();
                case "Relu" -> activation(ActivationFunction.RELU, 0);
                case "LeakyRelu" -> activation(ActivationFunction.LEAKY_RELU, floatAttribute("alpha", 0.01f));
                case "Elu" -> activation(ActivationFunction.ELU, floatAttribute("alpha", 1f));
                case "Selu" -> selu();
                case "Sigmoid" -> activation(ActivationFunction.SIGMOID, 0);
                case "Tanh" -> activation(ActivationFunction.TANH, 0);
                case "Softplus" -> activation(ActivationFunction.SOFTPLUS, 1);
                case "HardSwish" -> activation(ActivationFunction.HARD_SWISH, 0);
                case "HardSigmoid" -> hardSigmoid();
                case "Gelu" -> activation(stringAttribute("approximate", "none").equals("tanh")
                        ? ActivationFunction.GELU_TANH : ActivationFunction.GELU, 0);
                case "Clip" -> clip();
                case "Softmax" -> softmax();
                case "Add" -> merge(new dev.jdnn.layers.Add());
                case "Mul" -> merge(new dev.jdnn.layers.Mul());
                case "Concat" -> concat();
                case "MaxPool", "AveragePool" -> pool();
                case "GlobalAveragePool" -> apply(new GlobalAveragePooling2D(), value(0));
                case "ReduceMean" -> reduceMean();
                case "Gemm" -> gemm();
                case "MatMul" -> matMul();
                case "Flatten" -> flatten();
                case "Reshape" -> reshape();
                case "Dropout", "Identity" -> values.put(n.outputs().getFirst(), value(0));
                case "Pad" -> pad();
                default -> throw refuse("operator " + n.opType() + " is not imported; supported: " + SUPPORTED);
            }
        } catch (IllegalArgumentException e) {
            throw refuse(e.getMessage());
        }
    }

    private void conv() {
        GraphBuilder.Value x = value(0);
        long[] in = x.shape();
        Constant w = constant(1, "weights");
        if (w.dims.length != 4) throw refuse("jdnn imports 2-D convolutions (weights of rank 4), got rank " + w.dims.length);
        long groups = intAttribute("group", 1);
        long out = w.dims[0];
        long k = square("kernel_shape", ints("kernel_shape", w.dims[2], w.dims[3]));
        if (w.dims[2] != w.dims[3]) throw refuse("non-square kernels " + Arrays.toString(w.dims) + " are not imported");
        long stride = square("strides", ints("strides", 1, 1));
        long dilation = square("dilations", ints("dilations", 1, 1));
        Pads pads = pads(in, k, stride, dilation);
        boolean bias = node.inputs().size() > 2 && !node.inputs().get(2).isEmpty();
        Convolution2D conv = new Convolution2D(in[0], out, k, stride, pads, dilation, groups);
        if (!bias) conv = conv.withoutBias();
        String name = apply(conv, x);
        parameters.put(name + ".weight", w.asFloats());
        if (bias) parameters.put(name + ".bias", constant(2, "bias").asFloats());
    }

    /** The pads of a window, from 'pads' or 'auto_pad' (SAME_UPPER puts the odd one after, SAME_LOWER before). */
    private Pads pads(long[] in, long k, long stride, long dilation) {
        String auto = stringAttribute("auto_pad", "NOTSET");
        if (auto.equals("NOTSET")) {
            long[] p = ints("pads", 0, 0, 0, 0);
            if (p.length != 4) throw refuse("pads must hold 4 values (top, left, bottom, right), got " + Arrays.toString(p));
            return new Pads(p[0], p[1], p[2], p[3]);
        }
        if (auto.equals("VALID")) return Pads.of(0);
        if (!auto.equals("SAME_UPPER") && !auto.equals("SAME_LOWER")) {
            throw refuse("auto_pad '" + auto + "' is none of NOTSET, VALID, SAME_UPPER, SAME_LOWER");
        }
        long[] before = new long[2];
        long[] after = new long[2];
        for (int axis = 0; axis < 2; axis++) {
            long size = in[in.length - 2 + axis];
            long outSize = (size + stride - 1) / stride;
            long total = Math.max(0, (outSize - 1) * stride + (k - 1) * dilation + 1 - size);
            before[axis] = auto.equals("SAME_UPPER") ? total / 2 : total - total / 2;
            after[axis] = total - before[axis];
        }
        return new Pads(before[0], before[1], after[0], after[1]);
    }

    private void batchNorm() {
        GraphBuilder.Value x = value(0);
        long channels = x.shape()[0];
        float epsilon = floatAttribute("epsilon", 1e-5f);
        // ONNX's running = running * momentum + batch * (1 - momentum), as jdnn's momentum.
        float momentum = floatAttribute("momentum", 0.9f);
        Op norm = x.shape().length == 1 ? new BatchNorm1D(channels, momentum, epsilon)
                : new BatchNorm2D(channels, momentum, epsilon);
        String name = apply(norm, x);
        String[] names = {"scale", "shift", "running_mean", "running_variance"};
        for (int i = 0; i < 4; i++) parameters.put(name + "." + names[i], constant(i + 1, names[i]).asFloats());
    }

    private void activation(ActivationFunction function, double parameter) {
        apply(new Activation(function, parameter), value(0));
    }

    private void selu() {
        float alpha = floatAttribute("alpha", (float) ActivationFunction.SELU_ALPHA);
        float gamma = floatAttribute("gamma", (float) ActivationFunction.SELU_SCALE);
        if (alpha != (float) ActivationFunction.SELU_ALPHA || gamma != (float) ActivationFunction.SELU_SCALE) {
            throw refuse("Selu with alpha " + alpha + " and gamma " + gamma + ": jdnn's selu has the standard ones");
        }
        activation(ActivationFunction.SELU, 0);
    }

    /** ONNX's default is alpha 0.2; jdnn's hard-sigmoid is PyTorch's, relu6(x + 3) / 6. */
    private void hardSigmoid() {
        float alpha = floatAttribute("alpha", 0.2f);
        float beta = floatAttribute("beta", 0.5f);
        if (Math.abs(alpha - 1 / 6f) > 1e-6 || beta != 0.5f) {
            throw refuse("HardSigmoid with alpha " + alpha + " and beta " + beta + ": jdnn imports alpha 1/6, beta 0.5"
                    + " (PyTorch's hardsigmoid)");
        }
        activation(ActivationFunction.HARD_SIGMOID, 0);
    }

    /** Clip's bounds are attributes before opset 11 and optional inputs after. */
    private void clip() {
        float min = node.attribute("min").map(OnnxAttribute::f).orElse(Float.NEGATIVE_INFINITY);
        float max = node.attribute("max").map(OnnxAttribute::f).orElse(Float.POSITIVE_INFINITY);
        if (node.inputs().size() > 1 && !node.inputs().get(1).isEmpty()) min = scalar(1, "min");
        if (node.inputs().size() > 2 && !node.inputs().get(2).isEmpty()) max = scalar(2, "max");
        if (min == 0 && max == 6) activation(ActivationFunction.RELU6, 0);
        else if (min == 0 && max == Float.POSITIVE_INFINITY) activation(ActivationFunction.RELU, 0);
        else throw refuse("Clip to [" + min + ", " + max + "]: jdnn imports [0, 6] (relu6) and [0, inf) (relu)");
    }

    private void softmax() {
        GraphBuilder.Value x = value(0);
        long axis = intAttribute("axis", -1);
        long rank = x.shape().length + 1;
        if (axis < 0) axis += rank;
        if (axis != 1) throw refuse("Softmax over axis " + axis + ": jdnn's softmax runs over axis 1 (the channels)");
        if (rank != 2 && node.attribute("axis").isEmpty()) {
            throw refuse("Softmax without an axis over a rank-" + rank + " input: jdnn imports axis 1 only");
        }
        activation(ActivationFunction.SOFTMAX, 0);
    }

    private void merge(Op op) {
        if (isConstant(0) || isConstant(1)) {
            throw refuse(node.opType() + " with a constant operand is not imported yet; both operands must be computed");
        }
        GraphBuilder.Value a = value(0);
        GraphBuilder.Value b = value(1);
        if (a.shape().length != b.shape().length) {
            throw refuse(node.opType() + " of ranks " + (a.shape().length + 1) + " and " + (b.shape().length + 1)
                    + ": jdnn broadcasts inputs of the same rank");
        }
        apply(op, a, b);
    }

    private void concat() {
        long axis = intAttribute("axis", 1);
        List<GraphBuilder.Value> inputs = new ArrayList<>();
        for (int i = 0; i < node.inputs().size(); i++) inputs.add(value(i));
        long rank = inputs.getFirst().shape().length + 1;
        if (axis < 0) axis += rank;
        if (axis != 1) throw refuse("Concat along axis " + axis + ": jdnn joins along axis 1 (the channels)");
        apply(new Concat(inputs.size()), inputs.toArray(GraphBuilder.Value[]::new));
    }

    private void pool() {
        GraphBuilder.Value x = value(0);
        long k = square("kernel_shape", ints("kernel_shape"));
        long stride = square("strides", ints("strides", 1, 1));
        if (intAttribute("ceil_mode", 0) != 0) throw refuse("ceil_mode 1 is not imported (jdnn pools with floor)");
        if (square("dilations", ints("dilations", 1, 1)) != 1) throw refuse("dilated pooling is not imported");
        Pads pads = pads(x.shape(), k, stride, 1);
        boolean max = node.opType().equals("MaxPool");
        if (max && node.outputs().size() > 1 && !node.outputs().get(1).isEmpty()) {
            throw refuse("MaxPool's Indices output is not imported");
        }
        boolean countPads = !max && intAttribute("count_include_pad", 0) != 0;
        apply(new Pooling2D(k, stride, max ? PoolMode.MAX : PoolMode.AVG, pads, countPads), x);
    }

    /** ReduceMean over the spatial axes: global average pooling, flattened when keepdims is 0. */
    private void reduceMean() {
        GraphBuilder.Value x = value(0);
        long[] axes = node.inputs().size() > 1 ? constant(1, "axes").asLongs() : ints("axes");
        long rank = x.shape().length + 1;
        long[] normalized = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
        if (rank != 4 || !Arrays.equals(normalized, new long[] {2, 3})) {
            throw refuse("ReduceMean over axes " + Arrays.toString(axes) + " of a rank-" + rank + " input: jdnn imports"
                    + " the mean over the spatial axes 2 and 3 of an image");
        }
        GraphBuilder.Value pooled = builder.apply(name("pool"), new GlobalAveragePooling2D(), x);
        if (intAttribute("keepdims", 1) == 0) apply(new Flatten(), pooled);
        else values.put(node.outputs().getFirst(), pooled);
    }

    /** Y = alpha A B' + beta C, with B (and C) constant: a dense layer whose weights are alpha B', bias beta C. */
    private void gemm() {
        if (intAttribute("transA", 0) != 0) throw refuse("Gemm with transA 1 is not imported");
        GraphBuilder.Value a = value(0);
        Constant b = constant(1, "B");
        boolean transB = intAttribute("transB", 0) != 0;
        float alpha = floatAttribute("alpha", 1f);
        float beta = floatAttribute("beta", 1f);
        float[] weights = transB ? b.asFloats().clone() : transpose(b);
        long out = transB ? b.dims[0] : b.dims[1];
        long in = transB ? b.dims[1] : b.dims[0];
        for (int i = 0; i < weights.length; i++) weights[i] *= alpha;
        float[] bias = new float[Math.toIntExact(out)];
        if (node.inputs().size() > 2 && !node.inputs().get(2).isEmpty()) {
            Constant c = constant(2, "C");
            float[] cv = c.asFloats();
            if (cv.length != 1 && cv.length != out) {
                throw refuse("Gemm's C of " + cv.length + " values: jdnn imports a bias of 1 or " + out + " values");
            }
            for (int i = 0; i < bias.length; i++) bias[i] = beta * cv[cv.length == 1 ? 0 : i];
        }
        dense(a, in, out, weights, bias);
    }

    /** A (computed) times B (constant, K x M): a dense layer without bias. */
    private void matMul() {
        GraphBuilder.Value a = value(0);
        Constant b = constant(1, "B");
        if (b.dims.length != 2) throw refuse("MatMul by a constant of rank " + b.dims.length + ": jdnn imports rank 2");
        dense(a, b.dims[0], b.dims[1], transpose(b), new float[Math.toIntExact(b.dims[1])]);
    }

    private void dense(GraphBuilder.Value a, long in, long out, float[] weights, float[] bias) {
        if (a.shape().length != 1) {
            throw refuse(node.opType() + " of a rank-" + (a.shape().length + 1) + " input: jdnn imports N x F inputs"
                    + " (flatten first)");
        }
        String name = apply(new Dense(in, out), a);
        parameters.put(name + ".weight", weights);
        parameters.put(name + ".bias", bias);
    }

    private void flatten() {
        long axis = intAttribute("axis", 1);
        if (axis != 1) throw refuse("Flatten at axis " + axis + ": jdnn imports axis 1 (keeping the batch)");
        apply(new Flatten(), value(0));
    }

    /** A reshape that keeps the shape, or flattens to [N, -1] / [N, features]. */
    private void reshape() {
        GraphBuilder.Value x = value(0);
        long[] target = constant(1, "shape").asLongs();
        long features = Arrays.stream(x.shape()).reduce(1, Math::multiplyExact);
        boolean keepsBatch = target.length >= 1 && (target[0] == BATCH || target[0] == 0 || target[0] == -1);
        long[] rest = Arrays.copyOfRange(target, Math.min(1, target.length), target.length);
        if (keepsBatch && Arrays.equals(rest, x.shape())) {
            values.put(node.outputs().getFirst(), x);
        } else if (keepsBatch && rest.length == 1 && (rest[0] == -1 || rest[0] == features)) {
            apply(new Flatten(), x);
        } else {
            throw refuse("Reshape of " + Arrays.toString(x.shape()) + " per sample to " + describe(target)
                    + ": jdnn imports a flatten to [N, -1] and reshapes that change nothing");
        }
    }

    /** A constant zero padding of nothing (exporters write one before average pooling): the identity. */
    private void pad() {
        if (!stringAttribute("mode", "constant").equals("constant")) {
            throw refuse("Pad mode '" + stringAttribute("mode", "constant") + "' is not imported");
        }
        long[] pads = node.inputs().size() > 1 ? constant(1, "pads").asLongs() : ints("pads");
        if (Arrays.stream(pads).anyMatch(p -> p != 0)) {
            throw refuse("Pad by " + Arrays.toString(pads) + ": jdnn imports a Pad of zeros (padding belongs in the"
                    + " Conv or pool that follows)");
        }
        values.put(node.outputs().getFirst(), value(0));
    }

    /** Evaluates a node of constants at import (shape arithmetic); false when the operator is not one of those. */
    private boolean foldConstant() {
        String out = node.outputs().getFirst();
        Constant result = switch (node.opType()) {
            case "Constant" -> {
                OnnxAttribute value = node.attribute("value").orElseThrow(() -> refuse("Constant without a 'value'"
                        + " tensor is not imported"));
                if (value.t() == null) throw refuse("Constant's value is not a tensor");
                yield Constant.of(value.t());
            }
            case "Identity", "Cast", "Dropout" -> {
                Constant c = constant(0, "input");
                boolean toFloat = node.opType().equals("Cast") && (intAttribute("to", 1) == 1
                        || intAttribute("to", 1) == 11);
                yield toFloat ? new Constant(c.dims, c.asFloats(), null)
                        : node.opType().equals("Cast") ? new Constant(c.dims, null, c.asLongs()) : c;
            }
            case "Gather" -> gather();
            case "Unsqueeze", "Squeeze" -> {
                Constant c = constant(0, "input");
                yield new Constant(new long[] {c.count()}, c.floats, c.longs);
            }
            case "Concat" -> {
                List<Long> all = new ArrayList<>();
                for (int i = 0; i < node.inputs().size(); i++) for (long v : constant(i, "input").asLongs()) all.add(v);
                yield Constant.longs(all.stream().mapToLong(Long::longValue).toArray());
            }
            case "Slice" -> slice();
            default -> null;
        };
        if (result == null) return false;
        constants.put(out, result);
        return true;
    }

    private Constant gather() {
        Constant data = constant(0, "data");
        long[] indices = constant(1, "indices").asLongs();
        long[] values = data.asLongs();
        long[] out = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            long index = indices[i] < 0 ? indices[i] + values.length : indices[i];
            if (index < 0 || index >= values.length) throw refuse("Gather index " + indices[i] + " out of range");
            out[i] = values[(int) index];
        }
        return indices.length == 1 && constant(1, "indices").dims.length == 0
                ? new Constant(new long[0], null, out) : Constant.longs(out);
    }

    private Constant slice() {
        long[] data = constant(0, "data").asLongs();
        long start = constant(1, "starts").asLongs()[0];
        long end = constant(2, "ends").asLongs()[0];
        if (start < 0) start += data.length;
        if (end < 0) end += data.length;
        start = Math.clamp(start, 0, data.length);
        end = Math.clamp(end, start, data.length);
        return Constant.longs(Arrays.copyOfRange(data, (int) start, (int) end));
    }

    /** The shape of a computed value is a constant: the batch (free), then the per-sample dims. */
    private void shape() {
        if (node.attribute("start").isPresent() || node.attribute("end").isPresent()) {
            throw refuse("Shape with start or end is not imported");
        }
        long[] perSample = value(0).shape();
        long[] shape = new long[perSample.length + 1];
        shape[0] = BATCH;
        System.arraycopy(perSample, 0, shape, 1, perSample.length);
        constants.put(node.outputs().getFirst(), Constant.longs(shape));
    }

    private boolean allInputsConstant() {
        for (int i = 0; i < node.inputs().size(); i++) {
            if (!node.inputs().get(i).isEmpty() && !isConstant(i)) return false;
        }
        return true;
    }

    private static float[] transpose(Constant b) {
        int rows = Math.toIntExact(b.dims[0]);
        int cols = Math.toIntExact(b.dims[1]);
        float[] in = b.asFloats();
        float[] out = new float[in.length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out[c * rows + r] = in[r * cols + c];
        return out;
    }

    /** Applies {@code op} as a node named after the ONNX node; returns the jdnn node's name. */
    private String apply(Op op, GraphBuilder.Value... inputs) {
        String name = name(null);
        values.put(node.outputs().getFirst(), builder.apply(name, op, inputs));
        return name;
    }

    /** The ONNX node's name made a jdnn node name (unique), with {@code suffix} if given. */
    private String name(String suffix) {
        String base = node.name().isEmpty() ? node.opType() + "_" + node.outputs().getFirst() : node.name();
        base = BAD_NAME_CHARACTERS.matcher(base).replaceAll("_");
        if (base.isEmpty()) base = "node";
        if (suffix != null) base = base + "/" + suffix;
        String name = base;
        for (int i = 1; !names.add(name); i++) name = base + "_" + i;
        return name;
    }

    private boolean isConstant(int input) {
        return constants.containsKey(node.inputs().get(input));
    }

    private GraphBuilder.Value value(int input) {
        if (input >= node.inputs().size()) throw refuse("needs input " + input + ", has " + node.inputs().size());
        String name = node.inputs().get(input);
        GraphBuilder.Value value = values.get(name);
        if (value == null) {
            throw refuse(constants.containsKey(name) ? "input '" + name + "' is a constant where jdnn needs a computed"
                    + " value" : "input '" + name + "' is not computed before this node");
        }
        return value;
    }

    private Constant constant(int input, String what) {
        if (input >= node.inputs().size() || node.inputs().get(input).isEmpty()) {
            throw refuse("needs its " + what + " (input " + input + ")");
        }
        Constant c = constants.get(node.inputs().get(input));
        if (c == null) {
            throw refuse("its " + what + " '" + node.inputs().get(input) + "' must be a constant (an initializer or"
                    + " computed from constants)");
        }
        return c;
    }

    private float scalar(int input, String what) {
        float[] v = constant(input, what).asFloats();
        if (v.length != 1) throw refuse("its " + what + " must be a scalar, got " + v.length + " values");
        return v[0];
    }

    private long square(String attribute, long[] values) {
        if (values.length != 2 || values[0] != values[1]) {
            throw refuse(attribute + " " + Arrays.toString(values) + ": jdnn imports the same value for height and"
                    + " width");
        }
        return values[0];
    }

    private long[] ints(String name, long... defaults) {
        return node.attribute(name).map(a -> a.ints().stream().mapToLong(Long::longValue).toArray()).orElse(defaults);
    }

    private long intAttribute(String name, long fallback) {
        return node.attribute(name).map(OnnxAttribute::i).orElse(fallback);
    }

    private float floatAttribute(String name, float fallback) {
        return node.attribute(name).map(OnnxAttribute::f).orElse(fallback);
    }

    private String stringAttribute(String name, String fallback) {
        return node.attribute(name).map(OnnxAttribute::s).orElse(fallback);
    }

    private static String describe(long[] shape) {
        return Arrays.toString(Arrays.stream(shape).mapToObj(d -> d == BATCH ? "N" : Long.toString(d)).toArray());
    }

    private OnnxImportException refuse(String why) {
        return new OnnxImportException(file + ": node '" + node.name() + "' (" + node.opType() + "): " + why);
    }
}
