package dev.jdnn.layers;

import dev.jdnn.tensor.Tensor;
import java.util.List;

/**
 * A network's compiled plan that arranges the parameters for itself each time it runs: a training plan moves the
 * weights into their kernels' layouts ({@link KernelLayouts}), any other plan moves them back to plain. A plan
 * taken from the network earlier therefore stays right after something else moved them, such as a checkpoint
 * reading the parameters between two steps. Where nothing moves, the check is one comparison.
 */
final class ArrangedPlan implements LayerPlan {
    private final LayerPlan plan;
    private final KernelLayouts layouts;
    private final boolean training;

    ArrangedPlan(LayerPlan plan, KernelLayouts layouts, Mode mode) {
        this.plan = plan;
        this.layouts = layouts;
        this.training = mode == Mode.TRAINING;
    }

    @Override
    public Tensor output() {
        return plan.output();
    }

    @Override
    public void forward() {
        arrange();
        plan.forward();
    }

    @Override
    public Tensor gradInput() {
        return plan.gradInput();
    }

    @Override
    public void bindGradOutput(Tensor gradOutput) {
        plan.bindGradOutput(gradOutput);
    }

    @Override
    public void backward() {
        arrange();
        plan.backward();
    }

    @Override
    public List<LayerPlan> children() {
        return List.of(plan);
    }

    private void arrange() {
        if (training) layouts.toTraining();
        else layouts.toPlain();
    }
}
