package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.runtime.Algorithm;
import dev.jdnn.tensor.Tensor;
import java.util.List;

/**
 * The mean of each channel over the whole image: C x H x W becomes C x 1 x 1 (Keras's GlobalAveragePooling2D with
 * keepdims, PyTorch's AdaptiveAvgPool2d(1), ONNX's GlobalAveragePool). One oneDNN pooling whose window is the
 * input's spatial size, so the plan is made for that size. Has no parameters.
 */
public record GlobalAveragePooling2D() implements Layer {
    /** The operation's type in model files. */
    static final String TYPE = "globalavgpool2d";

    @Override
    public String type() {
        return TYPE;
    }

    /** None: global average pooling has no hyper-parameters. */
    @Override
    public JsonObject attributes() {
        return new JsonObject.Builder().build();
    }

    /** The reader of {@link #TYPE}: there is nothing to read. */
    static GlobalAveragePooling2D fromJson(OpAttributes attributes) {
        return new GlobalAveragePooling2D();
    }

    @Override
    public String name() {
        return "globalavgpool2d";
    }

    @Override
    public long[] outputShape(long[] in) {
        Shapes.requireRank(name(), in, 3, "[C, H, W]");
        return new long[] {in[0], 1, 1};
    }

    @Override
    public LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        long[] in = Shapes.perSample(input.dims());
        long[] out = outputShape(in);
        return new PoolingPlan(name(), Algorithm.POOLING_AVG_EXCLUDE_PADDING, new long[] {in[1], in[2]},
                new long[] {1, 1}, new long[][] {{0, 0}, {0, 0}}, context, input, Shapes.withBatch(input.dim(0), out),
                mode, needGradInput);
    }

    @Override
    public void compile(InferenceRules rules) {
        long[] in = rules.inputShape();
        rules.pool(Algorithm.POOLING_AVG_EXCLUDE_PADDING, new long[] {in[1], in[2]}, new long[] {1, 1},
                new long[] {0, 0}, new long[] {0, 0});
    }

    @Override
    public void exportOnnx(OnnxNodes nodes) {
        nodes.node("GlobalAveragePool", List.of(nodes.current()));
    }
}
