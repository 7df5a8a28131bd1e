package dev.jdnn.layers;

import dev.jdnn.tensor.Tensor;
import java.util.List;
import java.util.Optional;

/**
 * An activation function applied to its input, in the input's own layout (plain or whatever the layer
 * before chose), with the same shape. {@code parameter} is the function's alpha or beta (see
 * {@link ActivationFunction}); 0 for functions that take none.
 */
public record Activation(ActivationFunction function, double parameter) implements Layer {
    public Activation {
        if (function == null) throw new IllegalArgumentException("activation function must not be null");
        function.requireParameter(parameter);
    }

    /** The function with its default parameter (leaky-relu slope 0.01, elu alpha 1, softplus and swish beta 1). */
    public Activation(ActivationFunction function) {
        this(function, function == null ? 0 : function.defaultParameter());
    }

    /** The activation named {@code name} (see {@link ActivationFunction#parse}), with its default parameter. */
    public static Activation parse(String name) {
        return new Activation(ActivationFunction.parse(name));
    }

    @Override
    public String name() {
        return function.hasParameter()
                ? function.label() + "(" + function.parameterName() + "=" + parameter + ")"
                : function.label();
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        if (inputShape.length < 1) {
            throw new IllegalArgumentException(name() + " expects a per-sample input of at least one dim, got []");
        }
        return inputShape.clone();
    }

    /** This activation as oneDNN post-ops, or empty when it cannot be one (softmax); see {@link ActivationFunction#asPostOps}. */
    public Optional<List<EltwiseOp>> asPostOps() {
        return function.asPostOps(parameter);
    }

    @Override
    public LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        outputShape(Shapes.perSample(input.dims()));
        boolean gradInput = needGradInput && mode == Mode.TRAINING;
        return switch (function) {
            case LINEAR -> new IdentityPlan(context, name(), input, gradInput);
            case SOFTMAX -> new SoftmaxPlan(context, name(), input, mode, gradInput);
            default -> new EltwisePlan(context, name(), input, mode, asPostOps().orElseThrow(), gradInput);
        };
    }
}
