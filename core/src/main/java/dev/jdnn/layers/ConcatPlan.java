package dev.jdnn.layers;

import dev.jdnn.tensor.Tensor;
import java.util.List;

/** PLACEHOLDER until the helper writes it. */
final class ConcatPlan implements LayerPlan {
    ConcatPlan(PlanContext context, String name, List<Tensor> inputs, Mode mode, boolean needGradInput) {
        throw new UnsupportedOperationException("not yet");
    }
    public Tensor output() { return null; }
    public void forward() {}
    public Tensor gradInput() { return null; }
    public void bindGradOutput(Tensor g) {}
    public void backward() {}
}
