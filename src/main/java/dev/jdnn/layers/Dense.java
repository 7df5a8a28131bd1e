package dev.jdnn.layers;

import dev.jdnn.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * A fully connected layer, y = W x + b, on oneDNN's inner product. It accepts features (F) or, straight
 * after a conv stack, a C x H x W input read as C*H*W features without a copy.
 */
public record Dense(long inFeatures, long outFeatures) implements Layer {
    public Dense {
        Shapes.requirePositive("inFeatures", inFeatures);
        Shapes.requirePositive("outFeatures", outFeatures);
    }

    @Override
    public String name() {
        return "dense(" + inFeatures + "->" + outFeatures + ")";
    }

    @Override
    public long[] outputShape(long[] in) {
        long features = 1;
        for (long d : in) features *= d;
        if ((in.length != 1 && in.length != 3) || features != inFeatures) {
            throw new IllegalArgumentException(name() + " expects " + inFeatures + " input features, got shape "
                    + Arrays.toString(in) + (in.length == 3 ? " = " + features + " features" : ""));
        }
        return new long[] {outFeatures};
    }

    @Override
    public List<ParameterSpec> parameters(long[] inputShape) {
        return List.of(
                new ParameterSpec("weight", ParameterSpec.Kind.WEIGHT, new long[] {outFeatures, inFeatures}),
                new ParameterSpec("bias", ParameterSpec.Kind.BIAS, new long[] {outFeatures}));
    }

    @Override
    public LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        outputShape(Shapes.perSample(input.dims()));
        Shapes.requireParameters(this, Shapes.perSample(input.dims()), parameters);
        return new DensePlan(this, context, input, mode, parameters.get(0), parameters.get(1), needGradInput);
    }
}
