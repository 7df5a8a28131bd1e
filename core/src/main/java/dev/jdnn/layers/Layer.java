package dev.jdnn.layers;

import dev.jdnn.tensor.Tensor;
import java.util.List;

/**
 * An operation of one input: immutable hyper-parameters, its output shape and its parameter needs. Compute
 * happens in plans built by {@link #plan}, one per input descriptor and mode.
 * <p>Shapes here are per sample (C x H x W for images, F for features): the batch dimension is added by
 * the plan's input tensor.
 */
public interface Layer extends Op {
    @Override
    default int inputCount() {
        return 1;
    }

    @Override
    default long[] outputShape(List<long[]> inputShapes) {
        return outputShape(only(inputShapes));
    }

    @Override
    default List<ParameterSpec> parameters(List<long[]> inputShapes) {
        return parameters(only(inputShapes));
    }

    @Override
    default LayerPlan plan(PlanContext context, List<Tensor> inputs, Mode mode, List<Parameter> parameters,
                           boolean needGradInput) {
        return plan(context, only(inputs), mode, parameters, needGradInput);
    }

    private <T> T only(List<T> inputs) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException(name() + " reads one input, got " + inputs.size());
        }
        return inputs.getFirst();
    }

    /**
     * The per-sample output shape for a per-sample input shape; throws IllegalArgumentException naming
     * the layer, the expected and the actual shape when the input does not fit.
     */
    long[] outputShape(long[] inputShape);

    /** The parameters this layer needs for a per-sample input shape (plain layouts), in a fixed order. */
    default List<ParameterSpec> parameters(long[] inputShape) {
        return List.of();
    }

    /**
     * Compiles the layer for {@code input} (batch first, any layout).
     * @param parameters storage for {@link #parameters}, in the same order
     * @param needGradInput whether backward must compute the gradient with respect to the input
     */
    LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters, boolean needGradInput);
}
