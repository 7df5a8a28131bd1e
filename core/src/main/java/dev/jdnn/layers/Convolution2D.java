package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import java.util.ArrayList;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.PrimitiveDescs;
import dev.jdnn.runtime.PropKind;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.List;
import java.util.Locale;

/**
 * 2-D convolution (cross-correlation, as oneDNN and every deep-learning library compute it) with a
 * square filter, a stride, 'same' or 'valid' padding or explicit {@link Pads}, a dilation, groups and a bias.
 * A dilation d spaces the filter's taps d apart, so it spans (filterSize - 1) * d + 1 inputs ('same' pads for
 * that span). With g groups, each g-th of the output channels sees only the matching g-th of the input channels;
 * g equal to the input channels is a depthwise convolution. Weights are [out, in / groups, kh, kw] (PyTorch's and
 * ONNX's order; oihw for one group), the bias has one value per output channel. A convolution followed by batch
 * norm needs no bias (PyTorch's {@code bias=False}): the norm's shift takes its place, and a bias there would only
 * learn from rounding noise; {@link #withoutBias()} gives one, whose only parameter is the weight.
 *
 * @param padding 'same' or 'valid'; null when {@code pads} are given
 * @param pads explicit padding; null when {@code padding} is given
 * @param dilation 1 (no gaps) or more
 * @param groups 1 or more, dividing both channel counts
 * @param bias whether a bias is added (every constructor but the canonical one adds it)
 */
public record Convolution2D(long inChannels, long outChannels, long filterSize, long stride, Padding padding,
                            Pads pads, long dilation, long groups, boolean bias) implements Layer {
    public Convolution2D {
        Shapes.requirePositive("inChannels", inChannels);
        Shapes.requirePositive("outChannels", outChannels);
        Shapes.requirePositive("filterSize", filterSize);
        Shapes.requirePositive("stride", stride);
        if ((padding == null) == (pads == null)) {
            throw new IllegalArgumentException("padding must be 'same' or 'valid', or explicit pads given instead,"
                    + " got padding " + padding + " and " + (pads == null ? "no pads" : pads));
        }
        if (dilation < 1) throw new IllegalArgumentException("dilation must be >= 1, got " + dilation);
        if (groups < 1) throw new IllegalArgumentException("groups must be >= 1, got " + groups);
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("groups must divide both channel counts, got groups " + groups
                    + " for " + inChannels + " input and " + outChannels + " output channels");
        }
        try {
            Math.addExact(Math.multiplyExact(filterSize - 1, dilation), 1);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("filterSize " + filterSize + " with dilation " + dilation
                    + " spans more inputs than a 64-bit count holds");
        }
    }

    /** A convolution with a bias and 'same' or 'valid' padding or explicit pads. */
    public Convolution2D(long inChannels, long outChannels, long filterSize, long stride, Padding padding, Pads pads,
                         long dilation, long groups) {
        this(inChannels, outChannels, filterSize, stride, padding, pads, dilation, groups, true);
    }

    /** An undilated, ungrouped convolution with 'same' or 'valid' padding. */
    public Convolution2D(long inChannels, long outChannels, long filterSize, long stride, Padding padding) {
        this(inChannels, outChannels, filterSize, stride, padding, null, 1, 1);
    }

    /** A convolution with 'same' or 'valid' padding, a dilation and groups. */
    public Convolution2D(long inChannels, long outChannels, long filterSize, long stride, Padding padding,
                         long dilation, long groups) {
        this(inChannels, outChannels, filterSize, stride, padding, null, dilation, groups);
    }

    /** A convolution with explicit padding, a dilation and groups. */
    public Convolution2D(long inChannels, long outChannels, long filterSize, long stride, Pads pads, long dilation,
                         long groups) {
        this(inChannels, outChannels, filterSize, stride, null, pads, dilation, groups);
    }

    /** This convolution without a bias. */
    public Convolution2D withoutBias() {
        return new Convolution2D(inChannels, outChannels, filterSize, stride, padding, pads, dilation, groups, false);
    }

    /** The operation's type in model files. */
    static final String TYPE = "conv2d";

    @Override
    public String type() {
        return TYPE;
    }

    /** Every component: the channels, filter size, stride, padding or pads, dilation, groups and whether a bias. */
    @Override
    public JsonObject attributes() {
        JsonObject.Builder attributes = new JsonObject.Builder().put("in_channels", inChannels)
                .put("out_channels", outChannels).put("filter_size", filterSize).put("stride", stride);
        OpAttributes.putPadding(attributes, padding, pads);
        return attributes.put("dilation", dilation).put("groups", groups).put("bias", bias).build();
    }

    /** The convolution that {@link #attributes} describe. */
    static Convolution2D fromJson(OpAttributes a) {
        return new Convolution2D(a.size("in_channels", 1), a.size("out_channels", 1), a.size("filter_size", 1),
                a.size("stride", 1), a.padding(), a.pads(), a.size("dilation", 1), a.size("groups", 1),
                a.bool("bias"));
    }

    @Override
    public String name() {
        return "conv2d(" + inChannels + "->" + outChannels + ", " + filterSize + "x" + filterSize
                + (stride == 1 ? "" : ", stride " + stride) + (dilation == 1 ? "" : ", dilation " + dilation)
                + (groups == 1 ? "" : ", groups " + groups) + ", "
                + (pads != null ? pads : padding.name().toLowerCase(Locale.ROOT)) + (bias ? "" : ", no bias") + ")";
    }

    /** The inputs the (dilated) filter spans along each axis: (filterSize - 1) * dilation + 1. */
    public long effectiveFilterSize() {
        return (filterSize - 1) * dilation + 1;
    }

    @Override
    public long[] outputShape(long[] in) {
        Shapes.requireRank(name(), in, 3, "[" + inChannels + ", H, W]");
        Shapes.requireChannels(name(), in, inChannels);
        long window = effectiveFilterSize();
        try {
            if (pads != null) {
                return new long[] {outChannels, Pads.outputLength(in[1], pads.top(), pads.bottom(), window, stride),
                        Pads.outputLength(in[2], pads.left(), pads.right(), window, stride)};
            }
            return new long[] {outChannels, padding.outputLength(in[1], window, stride),
                    padding.outputLength(in[2], window, stride)};
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<ParameterSpec> parameters(long[] inputShape) {
        ParameterSpec weight = new ParameterSpec("weight", ParameterSpec.Kind.WEIGHT,
                new long[] {outChannels, inChannels / groups, filterSize, filterSize});
        if (!bias) return List.of(weight);
        return List.of(weight, new ParameterSpec("bias", ParameterSpec.Kind.BIAS, new long[] {outChannels}));
    }

    /** Padding before (top, left) and after (bottom, right) for a per-sample input shape. */
    public long[][] paddings(long[] in) {
        if (pads != null) return pads.beforeAfter();
        long[] h = padding.beforeAfter(in[1], effectiveFilterSize(), stride);
        long[] w = padding.beforeAfter(in[2], effectiveFilterSize(), stride);
        return new long[][] {{h[0], w[0]}, {h[1], w[1]}};
    }

    @Override
    public LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        long[] in = Shapes.perSample(input.dims());
        long[] out = outputShape(in);
        Shapes.requireParameters(this, in, parameters);
        long[][] pads = paddings(in);
        Parameter weight = parameters.get(0);
        // oneDNN takes grouped weights as [groups, out / groups, in / groups, kh, kw]: the same floats.
        long[] weightDims = groups == 1 ? weight.spec().dims()
                : new long[] {groups, outChannels / groups, inChannels / groups, filterSize, filterSize};
        MemoryDesc dst = MemoryDesc.of(context.arena(), DataType.F32, FormatTag.ANY, Shapes.withBatch(input.dim(0), out));
        Primitives primitives = new Primitives(new long[] {stride, stride},
                new long[] {dilation - 1, dilation - 1}, pads[0], pads[1]);
        return new WeightedPlan(context, primitives, input, weightDims,
                groups == 1 ? FormatTag.OIHW : FormatTag.GOIHW, dst, mode, weight, bias ? parameters.get(1) : null,
                needGradInput);
    }

    /** Direct convolution with this layer's strides, dilation (as oneDNN counts it: d - 1) and padding. */
    private record Primitives(long[] strides, long[] dilates, long[] padBefore, long[] padAfter)
            implements WeightedPlan.Primitives {
        @Override
        public PrimitiveDesc forward(Arena arena, PropKind prop, MemoryDesc src, MemoryDesc weights, MemoryDesc bias,
                                     MemoryDesc dst) {
            return PrimitiveDescs.convolutionForward(arena, prop, src, weights, bias, dst, strides, dilates, padBefore,
                    padAfter, new PrimitiveAttr(arena));
        }

        @Override
        public PrimitiveDesc backwardWeights(Arena arena, MemoryDesc src, MemoryDesc diffWeights, MemoryDesc diffBias,
                                             MemoryDesc diffDst, PrimitiveDesc hint) {
            MemoryDesc diffDstAny = MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, diffDst.dims());
            PrimitiveDesc chosen = PrimitiveDescs.convolutionBackwardWeights(arena, src, diffWeights, diffBias,
                    diffDstAny, strides, dilates, padBefore, padAfter, hint, new PrimitiveAttr(arena));
            // The gradient arrives in the forward output's layout. Where the kernel oneDNN chose also takes that
            // layout, asking for it saves a reorder of the whole gradient every step (W1's first convolution:
            // "any" wanted nhwc against a blocked gradient, 0.85 ms of a 15 ms step on 2 threads).
            return WeightedPlan.sameImplementation(chosen, () -> PrimitiveDescs.convolutionBackwardWeights(arena,
                    src, diffWeights, diffBias, diffDst, strides, dilates, padBefore, padAfter, hint,
                    new PrimitiveAttr(arena)));
        }

        @Override
        public PrimitiveDesc backwardData(Arena arena, MemoryDesc diffSrc, MemoryDesc weights, MemoryDesc diffDst,
                                          PrimitiveDesc hint) {
            return PrimitiveDescs.convolutionBackwardData(arena, diffSrc, weights, diffDst, strides, dilates,
                    padBefore, padAfter, hint, new PrimitiveAttr(arena));
        }
    }

    /**
     * Inference: grouped weights [out, in / g, k, k] are oneDNN's [g, out / g, in / g, k, k], the same floats, so
     * batch norm still folds per output channel, each a contiguous run of in / g * k * k weights.
     */
    @Override
    public void compile(InferenceRules rules) {
        long[][] pads = paddings(rules.inputShape());
        long[] weightDims = groups == 1 ? new long[] {outChannels, inChannels, filterSize, filterSize}
                : new long[] {groups, outChannels / groups, inChannels / groups, filterSize, filterSize};
        long dilates = dilation - 1;
        rules.convolution(weightDims, new long[] {stride, stride}, new long[] {dilates, dilates}, pads[0], pads[1]);
    }

    /**
     * ONNX counts dilation as jdnn does (1: no gaps) and stores grouped weights as jdnn does, [out, in / group, kh,
     * kw]; both default to 1, so an ordinary convolution's node has neither attribute. A convolution without a bias has
     * no B input unless batch norm is folded into it.
     */
    @Override
    public void exportOnnx(OnnxNodes nodes) {
        long[][] pads = paddings(nodes.inputShape());
        List<OnnxNodes.Attribute> attributes = new ArrayList<>(List.of(
                nodes.ints("kernel_shape", filterSize, filterSize), nodes.ints("strides", stride, stride),
                // ONNX orders pads as all the starts, then all the ends: top, left, bottom, right.
                nodes.ints("pads", pads[0][0], pads[0][1], pads[1][0], pads[1][1])));
        if (dilation != 1) attributes.add(nodes.ints("dilations", dilation, dilation));
        if (groups != 1) attributes.add(nodes.integer("group", groups));
        List<String> inputs = new ArrayList<>(List.of(nodes.current()));
        inputs.addAll(nodes.affineInitializers());
        nodes.node("Conv", inputs, attributes.toArray(OnnxNodes.Attribute[]::new));
    }
}
