package dev.jdnn.layers;

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
        long[][] pads = paddings(in);
        Parameter weight = parameters.get(0);
        MemoryDesc dst = MemoryDesc.of(context.arena(), DataType.F32, FormatTag.ANY, Shapes.withBatch(input.dim(0), out));
        return new WeightedPlan(context, new Primitives(new long[] {stride, stride}, pads[0], pads[1]), input,
                weight.spec().dims(), FormatTag.OIHW, dst, mode, weight, parameters.get(1), needGradInput);
    }

    /** Direct convolution with this layer's strides and padding. */
    private record Primitives(long[] strides, long[] padBefore, long[] padAfter) implements WeightedPlan.Primitives {
        @Override
        public PrimitiveDesc forward(Arena arena, PropKind prop, MemoryDesc src, MemoryDesc weights, MemoryDesc bias,
                                     MemoryDesc dst) {
            return PrimitiveDescs.convolutionForward(arena, prop, src, weights, bias, dst, strides, padBefore, padAfter,
                    new PrimitiveAttr(arena));
        }

        @Override
        public PrimitiveDesc backwardWeights(Arena arena, MemoryDesc src, MemoryDesc diffWeights, MemoryDesc diffBias,
                                             MemoryDesc diffDst, PrimitiveDesc hint) {
            MemoryDesc diffDstAny = MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, diffDst.dims());
            PrimitiveDesc chosen = PrimitiveDescs.convolutionBackwardWeights(arena, src, diffWeights, diffBias,
                    diffDstAny, strides, padBefore, padAfter, hint, new PrimitiveAttr(arena));
            // The gradient arrives in the forward output's layout. Where the kernel oneDNN chose also takes that
            // layout, asking for it saves a reorder of the whole gradient every step (W1's first convolution:
            // "any" wanted nhwc against a blocked gradient, 0.85 ms of a 15 ms step on 2 threads).
            return WeightedPlan.sameImplementation(chosen, () -> PrimitiveDescs.convolutionBackwardWeights(arena,
                    src, diffWeights, diffBias, diffDst, strides, padBefore, padAfter, hint, new PrimitiveAttr(arena)));
        }

        @Override
        public PrimitiveDesc backwardData(Arena arena, MemoryDesc diffSrc, MemoryDesc weights, MemoryDesc diffDst,
                                          PrimitiveDesc hint) {
            return PrimitiveDescs.convolutionBackwardData(arena, diffSrc, weights, diffDst, strides, padBefore,
                    padAfter, hint, new PrimitiveAttr(arena));
        }
    }
}
