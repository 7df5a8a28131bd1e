package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.tensor.Tensor;
import dev.jdnn.runtime.Arg;
import java.util.Arrays;
import java.util.List;

/**
 * {@code inputs} values joined along their first per-sample dim (the channels of C x H x W, the features of F): a
 * DenseNet or Inception block's join. The other dims must be equal. No parameters.
 */
public record Concat(int inputs) implements Op {
    public Concat {
        if (inputs < 2 || inputs > Arg.MAX_SOURCES) {
            throw new IllegalArgumentException("concat joins 2.." + Arg.MAX_SOURCES + " inputs, got " + inputs);
        }
    }

    /** The operation's type in model files. */
    static final String TYPE = "concat";

    @Override
    public String type() {
        return TYPE;
    }

    /** How many inputs it joins. */
    @Override
    public JsonObject attributes() {
        return new JsonObject.Builder().put("inputs", inputs).build();
    }

    /** The concat that {@link #attributes} describe. */
    static Concat fromJson(OpAttributes a) {
        return new Concat((int) a.size("inputs", 2));
    }

    @Override
    public String name() {
        return "concat(" + inputs + ")";
    }

    @Override
    public int inputCount() {
        return inputs;
    }

    @Override
    public long[] outputShape(List<long[]> inputShapes) {
        if (inputShapes.size() != inputs) {
            throw new IllegalArgumentException(name() + " reads " + inputs + " inputs, got " + inputShapes.size());
        }
        long[] first = inputShapes.getFirst();
        long[] out = first.clone();
        out[0] = 0;
        for (long[] shape : inputShapes) {
            boolean fits = shape.length == first.length && shape.length > 0;
            for (int i = 1; fits && i < shape.length; i++) fits = shape[i] == first[i];
            if (!fits) {
                throw new IllegalArgumentException(name() + " needs inputs that differ only in their first dim, got "
                        + inputShapes.stream().map(Arrays::toString).toList());
            }
            out[0] = Math.addExact(out[0], shape[0]);
        }
        return out;
    }

    @Override
    public List<ParameterSpec> parameters(List<long[]> inputShapes) {
        return List.of();
    }

    @Override
    public LayerPlan plan(PlanContext context, List<Tensor> inputs, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        return new ConcatPlan(context, name(), inputs, mode, needGradInput);
    }

    @Override
    public void compile(InferenceRules rules) {
        rules.concat();
    }

    @Override
    public void exportOnnx(OnnxNodes nodes) {
        nodes.node("Concat", nodes.inputs(), nodes.integer("axis", 1));
    }
}
