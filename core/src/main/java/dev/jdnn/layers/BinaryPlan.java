package dev.jdnn.layers;

import dev.jdnn.runtime.Algorithm;
import dev.jdnn.tensor.Tensor;
import java.util.List;

/** PLACEHOLDER until the helper writes it. */
final class BinaryPlan implements LayerPlan {
    BinaryPlan(PlanContext context, String name, Algorithm algorithm, List<Tensor> inputs, Mode mode, boolean needGradInput) {
        throw new UnsupportedOperationException("not yet");
    }
    public Tensor output() { return null; }
    public void forward() {}
    public Tensor gradInput() { return null; }
    public void bindGradOutput(Tensor g) {}
    public void backward() {}
}
