package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import java.util.ArrayList;
import dev.jdnn.runtime.Algorithm;
import dev.jdnn.tensor.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * 2-D max or average pooling over square windows, per channel, with 'same' or 'valid' padding or explicit
 * {@link Pads}. Average pooling divides by the number of inputs inside the window, so padded positions do not
 * count ('same' borders are not pulled towards zero), unless {@code countIncludePad} (PyTorch's
 * count_include_pad=True) divides by the whole window, padding included. Has no parameters; works on the input
 * in whatever layout the layer before chose.
 *
 * @param padding 'same' or 'valid'; null when {@code pads} are given
 * @param pads explicit padding, each side smaller than the window; null when {@code padding} is given
 * @param countIncludePad average pooling only: whether padded positions count in each window's mean
 */
public record Pooling2D(long filterSize, long stride, PoolMode mode, Padding padding, Pads pads,
                        boolean countIncludePad) implements Layer {
    public Pooling2D {
        Shapes.requirePositive("pool filterSize", filterSize);
        Shapes.requirePositive("pool stride", stride);
        if (mode == null) throw new IllegalArgumentException("pool mode must be 'max' or 'avg', got null");
        if ((padding == null) == (pads == null)) {
            throw new IllegalArgumentException("padding must be 'same' or 'valid', or explicit pads given instead,"
                    + " got padding " + padding + " and " + (pads == null ? "no pads" : pads));
        }
        if (pads != null && pads.max() >= filterSize) {
            throw new IllegalArgumentException("pool " + pads + " must each be < the filter size " + filterSize
                    + ": a window would cover padding only");
        }
        if (countIncludePad && mode != PoolMode.AVG) {
            throw new IllegalArgumentException("countIncludePad applies to average pooling only, got pool mode "
                    + mode.name().toLowerCase(Locale.ROOT));
        }
    }

    /** A pool with 'same' or 'valid' padding; average pooling leaves the padding out of its means. */
    public Pooling2D(long filterSize, long stride, PoolMode mode, Padding padding) {
        this(filterSize, stride, mode, padding, null, false);
    }

    /** A pool with explicit padding; for average pooling, {@code countIncludePad} says whether it counts. */
    public Pooling2D(long filterSize, long stride, PoolMode mode, Pads pads, boolean countIncludePad) {
        this(filterSize, stride, mode, null, pads, countIncludePad);
    }

    /** A pool with 'valid' padding, the seed's default: 2x2 stride 2 turns 28 x 28 into 14 x 14. */
    public Pooling2D(long filterSize, long stride, PoolMode mode) {
        this(filterSize, stride, mode, Padding.VALID);
    }

    /** The operation's type in model files. */
    static final String TYPE = "pool2d";

    @Override
    public String type() {
        return TYPE;
    }

    /** Every component: the filter size, stride, mode, padding or pads, and whether padding counts. */
    @Override
    public JsonObject attributes() {
        JsonObject.Builder attributes = new JsonObject.Builder().put("filter_size", filterSize).put("stride", stride)
                .put("mode", mode.name().toLowerCase(Locale.ROOT));
        OpAttributes.putPadding(attributes, padding, pads);
        return attributes.put("count_include_pad", countIncludePad).build();
    }

    /** The pool that {@link #attributes} describe. */
    static Pooling2D fromJson(OpAttributes a) {
        return new Pooling2D(a.size("filter_size", 1), a.size("stride", 1), PoolMode.of(a.text("mode")), a.padding(),
                a.pads(), a.bool("count_include_pad"));
    }

    @Override
    public String name() {
        return mode.name().toLowerCase(Locale.ROOT) + "pool2d(" + filterSize + "x" + filterSize
                + (stride == 1 ? "" : ", stride " + stride) + ", "
                + (pads != null ? pads : padding.name().toLowerCase(Locale.ROOT))
                + (countIncludePad ? ", padding counted" : "") + ")";
    }

    @Override
    public long[] outputShape(long[] in) {
        Shapes.requireRank(name(), in, 3, "[C, H, W]");
        try {
            if (pads != null) {
                return new long[] {in[0], Pads.outputLength(in[1], pads.top(), pads.bottom(), filterSize, stride),
                        Pads.outputLength(in[2], pads.left(), pads.right(), filterSize, stride)};
            }
            return new long[] {in[0], padding.outputLength(in[1], filterSize, stride),
                    padding.outputLength(in[2], filterSize, stride)};
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name() + ": " + e.getMessage(), e);
        }
    }

    /** Padding before (top, left) and after (bottom, right) for a per-sample input shape. */
    public long[][] paddings(long[] in) {
        if (pads != null) return pads.beforeAfter();
        long[] h = padding.beforeAfter(in[1], filterSize, stride);
        long[] w = padding.beforeAfter(in[2], filterSize, stride);
        return new long[][] {{h[0], w[0]}, {h[1], w[1]}};
    }

    /** oneDNN's pooling algorithm for this mode and padding convention. */
    public Algorithm algorithm() {
        if (mode == PoolMode.MAX) return Algorithm.POOLING_MAX;
        return countIncludePad ? Algorithm.POOLING_AVG_INCLUDE_PADDING : Algorithm.POOLING_AVG_EXCLUDE_PADDING;
    }

    @Override
    public LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        long[] in = Shapes.perSample(input.dims());
        long[] out = outputShape(in);
        return new PoolingPlan(name(), algorithm(), new long[] {filterSize, filterSize}, new long[] {stride, stride},
                paddings(in), context, input, Shapes.withBatch(input.dim(0), out), mode, needGradInput);
    }

    @Override
    public void compile(InferenceRules rules) {
        long[][] pads = paddings(rules.inputShape());
        rules.pool(algorithm(), new long[] {filterSize, filterSize}, new long[] {stride, stride}, pads[0], pads[1]);
    }

    /** ONNX: MaxPool or AveragePool, whether padded positions count made explicit (ONNX's default excludes them). */
    @Override
    public void exportOnnx(OnnxNodes nodes) {
        long[][] pads = paddings(nodes.inputShape());
        List<OnnxNodes.Attribute> attributes = new ArrayList<>(List.of(
                nodes.ints("kernel_shape", filterSize, filterSize), nodes.ints("strides", stride, stride),
                nodes.ints("pads", pads[0][0], pads[0][1], pads[1][0], pads[1][1])));
        if (mode == PoolMode.AVG) attributes.add(nodes.integer("count_include_pad", countIncludePad ? 1 : 0));
        nodes.node(mode == PoolMode.MAX ? "MaxPool" : "AveragePool", List.of(nodes.current()),
                attributes.toArray(OnnxNodes.Attribute[]::new));
    }
}
