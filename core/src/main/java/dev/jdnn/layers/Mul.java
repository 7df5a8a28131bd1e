package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.runtime.Algorithm;
import dev.jdnn.tensor.Tensor;
import java.util.List;

/**
 * The element-wise product of two values: a squeeze-and-excitation block's channel scaling. Either may be broadcast
 * along dims of size 1 (a per-channel C x 1 x 1 scale of C x H x W); see {@link Broadcast}. No parameters.
 */
public record Mul() implements Op {
    /** The operation's type in model files. */
    static final String TYPE = "mul";

    @Override
    public String type() {
        return TYPE;
    }

    /** None: a product has no hyper-parameters. */
    @Override
    public JsonObject attributes() {
        return new JsonObject.Builder().build();
    }

    /** The reader of {@link #TYPE}: there is nothing to read. */
    static Mul fromJson(OpAttributes attributes) {
        return new Mul();
    }

    @Override
    public String name() {
        return "mul";
    }

    @Override
    public int inputCount() {
        return 2;
    }

    @Override
    public long[] outputShape(List<long[]> inputShapes) {
        return Broadcast.outputShape(name(), inputShapes);
    }

    @Override
    public List<ParameterSpec> parameters(List<long[]> inputShapes) {
        return List.of();
    }

    @Override
    public LayerPlan plan(PlanContext context, List<Tensor> inputs, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        return new BinaryPlan(context, name(), Algorithm.BINARY_MUL, inputs, mode, needGradInput);
    }

    @Override
    public void compile(InferenceRules rules) {
        rules.binary(Algorithm.BINARY_MUL);
    }

    /** ONNX broadcasts multidirectionally: N x C x 1 x 1 against N x C x H x W is the per-channel product. */
    @Override
    public void exportOnnx(OnnxNodes nodes) {
        nodes.node("Mul", nodes.inputs());
    }
}
