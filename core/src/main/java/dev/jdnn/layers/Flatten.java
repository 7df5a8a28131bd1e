package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.tensor.Tensor;
import java.util.Arrays;

/**
 * Flattens C x H x W into C*H*W features. A view when the input is plain (no copy); a blocked input is
 * reordered to plain first. Followed by a {@link Dense} inside a {@link Sequential}, it costs nothing.
 */
public record Flatten() implements Layer {
    /** The operation's type in model files. */
    static final String TYPE = "flatten";

    @Override
    public String type() {
        return TYPE;
    }

    /** None: a flatten has no hyper-parameters. */
    @Override
    public JsonObject attributes() {
        return new JsonObject.Builder().build();
    }

    /** The reader of {@link #TYPE}: there is nothing to read. */
    static Flatten fromJson(OpAttributes attributes) {
        return new Flatten();
    }

    @Override
    public String name() {
        return "flatten";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        if (inputShape.length < 1) {
            throw new IllegalArgumentException("flatten expects a per-sample input of at least one dim, got "
                    + Arrays.toString(inputShape));
        }
        long n = 1;
        for (long d : inputShape) n = Math.multiplyExact(n, d);
        return new long[] {n};
    }

    @Override
    public LayerPlan plan(PlanContext context, Tensor input, Mode mode, java.util.List<Parameter> parameters,
                          boolean needGradInput) {
        return new FlattenPlan(context, input, outputShape(Shapes.perSample(input.dims()))[0], mode, needGradInput);
    }

    /** Free in front of dense layers, which read the C x H x W input directly. */
    @Override
    public void compile(InferenceRules rules) {
        rules.flattenForDense();
    }

    @Override
    public void exportOnnx(OnnxNodes nodes) {
        nodes.node("Flatten", java.util.List.of(nodes.current()), nodes.integer("axis", 1));
    }
}
