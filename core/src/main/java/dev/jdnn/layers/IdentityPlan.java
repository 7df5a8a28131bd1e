package dev.jdnn.layers;

import dev.jdnn.tensor.Tensor;

/**
 * A layer that passes its input through: the linear activation, and dropout in inference or with rate
 * 0. Forward and backward copy nothing: the output is the input tensor and the gradient with respect to
 * the input is the gradient of the output (reordered only if it arrives in another layout).
 */
final class IdentityPlan implements LayerPlan {
    private final PlanContext context;
    private final String layer;
    private final Tensor input;
    private final boolean needGradInput;
    private Relayout gradient;
    private boolean bound;

    IdentityPlan(PlanContext context, String layer, Tensor input, boolean needGradInput) {
        this.context = context;
        this.layer = layer;
        this.input = input;
        this.needGradInput = needGradInput;
    }

    @Override
    public Tensor output() {
        return input;
    }

    @Override
    public void forward() {}

    /** Null until {@link #bindGradOutput} (then the bound gradient itself), and in plans without one. */
    @Override
    public Tensor gradInput() {
        return gradient == null ? null : gradient.tensor();
    }

    @Override
    public void bindGradOutput(Tensor gradOutput) {
        if (bound) throw new IllegalStateException("gradient output is already bound");
        Relayout.requireDims(layer, "gradient of the output", gradOutput, input.desc());
        if (needGradInput) gradient = Relayout.of(context, layer, "gradient of the output", gradOutput, input.desc());
        bound = true;
    }

    @Override
    public void backward() {
        if (gradient != null) gradient.run(context.stream());
    }
}
