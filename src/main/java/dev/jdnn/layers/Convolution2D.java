package dev.jdnn.layers;

import dev.jdnn.tensor.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * 2-D convolution (cross-correlation, as oneDNN and every deep-learning library compute it) with a
 * square filter, a stride, 'same' or 'valid' padding, and a bias. Weights are oihw, the bias has one
 * value per output channel.
 */
public record Convolution2D(long inChannels, long outChannels, long filterSize, long stride, Padding padding)
        implements Layer {
    public Convolution2D {
        Shapes.requirePositive("inChannels", inChannels);
        Shapes.requirePositive("outChannels", outChannels);
        Shapes.requirePositive("filterSize", filterSize);
        Shapes.requirePositive("stride", stride);
        if (padding == null) throw new IllegalArgumentException("padding must be 'same' or 'valid', got null");
    }

    @Override
    public String name() {
        return "conv2d(" + inChannels + "->" + outChannels + ", " + filterSize + "x" + filterSize
                + (stride == 1 ? "" : ", stride " + stride) + ", " + padding.name().toLowerCase(Locale.ROOT) + ")";
    }

    @Override
    public long[] outputShape(long[] in) {
        Shapes.requireRank(name(), in, 3, "[" + inChannels + ", H, W]");
        Shapes.requireChannels(name(), in, inChannels);
        try {
            return new long[] {outChannels, padding.outputLength(in[1], filterSize, stride),
                    padding.outputLength(in[2], filterSize, stride)};
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<ParameterSpec> parameters(long[] inputShape) {
        return List.of(
                new ParameterSpec("weight", ParameterSpec.Kind.WEIGHT,
                        new long[] {outChannels, inChannels, filterSize, filterSize}),
                new ParameterSpec("bias", ParameterSpec.Kind.BIAS, new long[] {outChannels}));
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
        Shapes.requireParameters(this, in, parameters);
        return new ConvolutionPlan(this, context, input, Shapes.withBatch(input.dim(0), out), paddings(in), mode,
                parameters.get(0), parameters.get(1), needGradInput);
    }
}
