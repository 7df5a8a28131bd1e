package dev.jdnn.layers;

import dev.jdnn.runtime.Algorithm;
import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.PrimitiveDescs;
import dev.jdnn.runtime.PropKind;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.Arena;

/**
 * Softmax over axis 1 (the features of an N x F input, or the channels of each pixel of an N x C x H x W
 * one) on oneDNN's softmax primitive, in the input's own layout. Its backward reads the output.
 */
final class SoftmaxPlan implements LayerPlan {
    private static final int AXIS = 1;

    private final PlanContext context;
    private final String layer;
    private final Tensor output;
    private final Step forward;
    private final PrimitiveDesc forwardDesc;
    private final Tensor gradInput;

    private boolean bound;
    private Relayout gradOutput;
    private Step backward;

    SoftmaxPlan(PlanContext context, String layer, Tensor input, Mode mode, boolean needGradInput) {
        this.context = context;
        this.layer = layer;
        Arena arena = context.arena();
        PropKind prop = mode == Mode.TRAINING ? PropKind.FORWARD_TRAINING : PropKind.FORWARD_INFERENCE;
        forwardDesc = PrimitiveDescs.softmaxForward(arena, prop, Algorithm.SOFTMAX_ACCURATE, input.desc(),
                input.desc(), AXIS, new PrimitiveAttr(arena));
        output = Tensor.of(arena, input.desc());
        forward = Step.of(context, forwardDesc).arg(Arg.SRC, input).arg(Arg.DST, output).build();
        gradInput = needGradInput ? Tensor.of(arena, input.desc()) : null;
    }

    @Override
    public Tensor output() {
        return output;
    }

    @Override
    public void forward() {
        forward.run(context.stream());
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
        PrimitiveDesc desc = PrimitiveDescs.softmaxBackward(arena, Algorithm.SOFTMAX_ACCURATE, gradInput.desc(),
                output.desc(), output.desc(), AXIS, forwardDesc, new PrimitiveAttr(arena));
        backward = Step.of(context, desc).arg(Arg.DST, output).arg(Arg.DIFF_DST, gradOutput.tensor())
                .arg(Arg.DIFF_SRC, gradInput).build();
    }

    @Override
    public void backward() {
        if (!bound) throw new IllegalStateException("bindGradOutput must be called before backward");
        if (backward == null) return;
        gradOutput.run(context.stream());
        backward.run(context.stream());
    }
}
