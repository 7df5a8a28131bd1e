package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.tensor.Tensor;
import java.util.List;

/**
 * Inverted dropout: in training each element is kept with probability 1 - rate and scaled by
 * 1 / (1 - rate), so inference is the identity. The masks are a deterministic function of {@code seed}
 * and the step number (see {@link DropoutPlan}); give each dropout layer of a network its own seed.
 */
public record Dropout(double rate, long seed) implements Layer {
    public Dropout {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
        }
    }

    /** The operation's type in model files. */
    static final String TYPE = "dropout";

    @Override
    public String type() {
        return TYPE;
    }

    /** The rate and the seed of the masks. */
    @Override
    public JsonObject attributes() {
        return new JsonObject.Builder().put("rate", rate).put("seed", seed).build();
    }

    /** The dropout that {@link #attributes} describe. */
    static Dropout fromJson(OpAttributes a) {
        return new Dropout(a.number("rate"), a.integer("seed"));
    }

    @Override
    public String name() {
        return "dropout(" + rate + ")";
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        if (inputShape.length < 1) {
            throw new IllegalArgumentException(name() + " expects a per-sample input of at least one dim, got []");
        }
        return inputShape.clone();
    }

    /**
     * A {@link DropoutPlan} in training with a rate above 0; otherwise a pass-through whose output is
     * the input tensor itself and whose backward copies nothing.
     */
    @Override
    public LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        outputShape(Shapes.perSample(input.dims()));
        boolean gradInput = needGradInput && mode == Mode.TRAINING;
        if (mode == Mode.INFERENCE || rate == 0) return new IdentityPlan(context, name(), input, gradInput);
        return new DropoutPlan(context, this, input, gradInput);
    }

    /** The identity at inference. */
    @Override
    public void compile(InferenceRules rules) {
        rules.passThrough();
    }

    /** The identity at inference: no node. */
    @Override
    public void exportOnnx(OnnxNodes nodes) {}
}
