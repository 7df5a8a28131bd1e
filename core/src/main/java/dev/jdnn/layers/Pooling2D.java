package dev.jdnn.layers;

import dev.jdnn.tensor.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * 2-D max or average pooling over square windows, per channel. Average pooling divides by the number of
 * inputs inside the window, so padded positions never count ('same' borders are not pulled towards zero).
 * Has no parameters; works on the input in whatever layout the layer before chose.
 */
public record Pooling2D(long filterSize, long stride, PoolMode mode, Padding padding) implements Layer {
    public Pooling2D {
        Shapes.requirePositive("pool filterSize", filterSize);
        Shapes.requirePositive("pool stride", stride);
        if (mode == null) throw new IllegalArgumentException("pool mode must be 'max' or 'avg', got null");
        if (padding == null) throw new IllegalArgumentException("padding must be 'same' or 'valid', got null");
    }

    /** A pool with 'valid' padding, the seed's default: 2x2 stride 2 turns 28 x 28 into 14 x 14. */
    public Pooling2D(long filterSize, long stride, PoolMode mode) {
        this(filterSize, stride, mode, Padding.VALID);
    }

    @Override
    public String name() {
        return mode.name().toLowerCase(Locale.ROOT) + "pool2d(" + filterSize + "x" + filterSize
                + (stride == 1 ? "" : ", stride " + stride) + ", " + padding.name().toLowerCase(Locale.ROOT) + ")";
    }

    @Override
    public long[] outputShape(long[] in) {
        Shapes.requireRank(name(), in, 3, "[C, H, W]");
        try {
            return new long[] {in[0], padding.outputLength(in[1], filterSize, stride),
                    padding.outputLength(in[2], filterSize, stride)};
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name() + ": " + e.getMessage(), e);
        }
    }

    /** Padding before (top, left) and after (bottom, right) for a per-sample input shape. */
    long[][] paddings(long[] in) {
        long[] h = padding.beforeAfter(in[1], filterSize, stride);
        long[] w = padding.beforeAfter(in[2], filterSize, stride);
        return new long[][] {{h[0], w[0]}, {h[1], w[1]}};
    }

    @Override
    public LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        long[] in = Shapes.perSample(input.dims());
        long[] out = outputShape(in);
        return new PoolingPlan(this, context, input, Shapes.withBatch(input.dim(0), out), paddings(in), mode,
                needGradInput);
    }
}
