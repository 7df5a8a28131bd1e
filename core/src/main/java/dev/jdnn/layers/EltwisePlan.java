package dev.jdnn.layers;

import dev.jdnn.runtime.Algorithm;
import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.PrimitiveDescs;
import dev.jdnn.runtime.PropKind;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.List;

/**
 * An element-wise activation on oneDNN's eltwise primitive, computed in the input's own layout. The
 * chain's first operation reads the input; the others may only be scalings (SELU = scale * elu), whose
 * derivative is the scale itself. They run as a second eltwise primitive, in place on the output and on
 * the input gradient: oneDNN 3.13's eltwise rejects eltwise post-ops as unimplemented. In training,
 * relu, logistic, tanh, elu and clip_v2 (relu6) run as their *_use_dst_for_bwd variants when nothing
 * follows them, so backward reads the output instead of the input; otherwise backward reads the input
 * (oneDNN has no such variant for the others: swish, hard-swish and gelu are not even monotonic).
 */
final class EltwisePlan implements LayerPlan {
    private final PlanContext context;
    private final String layer;
    private final Tensor input;
    private final Tensor output;
    private final Step forward;
    private final Step scaleOutput;
    private final PrimitiveDesc forwardDesc;
    private final EltwiseOp first;
    private final Algorithm algorithm;
    private final boolean fromOutput;
    private final float scale;
    private final Tensor gradInput;

    private boolean bound;
    private Relayout gradOutput;
    private Step backward;
    private Step scaleGradInput;

    EltwisePlan(PlanContext context, String layer, Tensor input, Mode mode, List<EltwiseOp> chain,
                boolean needGradInput) {
        this.context = context;
        this.layer = layer;
        this.input = input;
        this.first = chain.getFirst();
        List<EltwiseOp> rest = chain.subList(1, chain.size());
        this.scale = scaleOf(rest);
        Algorithm fromDst = mode == Mode.TRAINING && rest.isEmpty() ? useDstVariant(first.algorithm()) : null;
        this.fromOutput = fromDst != null;
        this.algorithm = fromOutput ? fromDst : first.algorithm();
        Arena arena = context.arena();
        PropKind prop = mode == Mode.TRAINING ? PropKind.FORWARD_TRAINING : PropKind.FORWARD_INFERENCE;
        forwardDesc = PrimitiveDescs.eltwiseForward(arena, prop, algorithm, input.desc(), input.desc(),
                first.alpha(), first.beta(), new PrimitiveAttr(arena));
        output = Tensor.of(arena, input.desc());
        forward = Step.of(context, forwardDesc).arg(Arg.SRC, input).arg(Arg.DST, output).build();
        scaleOutput = scaling(context, output, scale);
        gradInput = needGradInput ? Tensor.of(arena, input.desc()) : null;
    }

    /** The product of the scalings after the first operation; anything else has no backward here. */
    private static float scaleOf(List<EltwiseOp> rest) {
        float scale = 1;
        for (EltwiseOp op : rest) {
            if (op.algorithm() != Algorithm.ELTWISE_LINEAR || op.beta() != 0) {
                throw new IllegalArgumentException("an eltwise activation may only be followed by scalings, got " + op);
            }
            scale *= op.alpha();
        }
        return scale;
    }

    /** The variant whose backward reads the forward's output, or null if the algorithm has none. */
    private static Algorithm useDstVariant(Algorithm algorithm) {
        return switch (algorithm) {
            case ELTWISE_RELU -> Algorithm.ELTWISE_RELU_USE_DST_FOR_BWD;
            case ELTWISE_LOGISTIC -> Algorithm.ELTWISE_LOGISTIC_USE_DST_FOR_BWD;
            case ELTWISE_TANH -> Algorithm.ELTWISE_TANH_USE_DST_FOR_BWD;
            case ELTWISE_ELU -> Algorithm.ELTWISE_ELU_USE_DST_FOR_BWD;
            case ELTWISE_CLIP_V2 -> Algorithm.ELTWISE_CLIP_V2_USE_DST_FOR_BWD;
            default -> null;
        };
    }

    @Override
    public Tensor output() {
        return output;
    }

    @Override
    public void forward() {
        forward.run(context.stream());
        if (scaleOutput != null) scaleOutput.run(context.stream());
    }

    @Override
    public Tensor gradInput() {
        return gradInput;
    }

    @Override
    public void bindGradOutput(Tensor gradient) {
        if (bound) throw new IllegalStateException("gradient output is already bound");
        bound = true;
        Relayout.requireDims(layer, "gradient of the output", gradient, output.desc());
        if (gradInput == null) return;
        gradOutput = Relayout.of(context, layer, "gradient of the output", gradient, output.desc());
        Arena arena = context.arena();
        Tensor data = fromOutput ? output : input;
        PrimitiveDesc desc = PrimitiveDescs.eltwiseBackward(arena, algorithm, gradInput.desc(), output.desc(),
                data.desc(), first.alpha(), first.beta(), forwardDesc, new PrimitiveAttr(arena));
        backward = Step.of(context, desc).arg(fromOutput ? Arg.DST : Arg.SRC, data)
                .arg(Arg.DIFF_DST, gradOutput.tensor()).arg(Arg.DIFF_SRC, gradInput).build();
        // d(scale * f(x))/dx = scale * f'(x): scale the gradient in place after f's backward.
        scaleGradInput = scaling(context, gradInput, scale);
    }

    /** An in-place multiplication of {@code tensor} by {@code scale}, or null when the scale is 1. */
    private static Step scaling(PlanContext context, Tensor tensor, float scale) {
        if (scale == 1) return null;
        Arena arena = context.arena();
        PrimitiveDesc desc = PrimitiveDescs.eltwiseForward(arena, PropKind.FORWARD_INFERENCE,
                Algorithm.ELTWISE_LINEAR, tensor.desc(), tensor.desc(), scale, 0, new PrimitiveAttr(arena));
        return Step.of(context, desc).arg(Arg.SRC, tensor).arg(Arg.DST, tensor).build();
    }

    @Override
    public void backward() {
        if (!bound) throw new IllegalStateException("bindGradOutput must be called before backward");
        if (backward == null) return;
        gradOutput.run(context.stream());
        backward.run(context.stream());
        if (scaleGradInput != null) scaleGradInput.run(context.stream());
    }
}
