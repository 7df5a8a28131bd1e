package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.runtime.Algorithm;
import dev.jdnn.tensor.Tensor;
import java.util.List;

/**
 * The element-wise sum of two values: a residual shortcut's addition. Either may be broadcast along dims of size 1
 * (a per-channel C x 1 x 1 value added to C x H x W); see {@link Broadcast}. No parameters.
 */
public record Add() implements Op {
    /** The operation's type in model files. */
    static final String TYPE = "add";

    @Override
    public String type() {
        return TYPE;
    }

    /** None: an addition has no hyper-parameters. */
    @Override
    public JsonObject attributes() {
        return new JsonObject.Builder().build();
    }

    /** The reader of {@link #TYPE}: there is nothing to read. */
    static Add fromJson(OpAttributes attributes) {
        return new Add();
    }

    @Override
    public String name() {
        return "add";
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
        return new BinaryPlan(context, name(), Algorithm.BINARY_ADD, inputs, mode, needGradInput);
    }

    /** Inference: a sum post-op of the convolution that gives one addend where it can be, else a binary add. */
    @Override
    public void compile(InferenceRules rules) {
        rules.add();
    }

    /** ONNX broadcasts multidirectionally: N x C x 1 x 1 against N x C x H x W is the per-channel sum. */
    @Override
    public void exportOnnx(OnnxNodes nodes) {
        nodes.node("Add", nodes.inputs());
    }
}
