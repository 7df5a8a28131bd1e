package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.tensor.Tensor;
import java.util.List;

/**
 * An operation of a {@link Graph}: immutable hyper-parameters, a shape rule over its inputs' per-sample shapes, the
 * parameters it needs, and plans built for tensors. Most operations read one input and are {@link Layer}s; merges
 * such as {@link Add}, {@link Mul} and {@link Concat} read several.
 * <p>Shapes here are per sample (C x H x W for images, F for features): the batch dimension is added by the plan's
 * input tensors.
 */
public interface Op {
    /** A short name for summaries and error messages, e.g. {@code conv2d(1->32, 3x3)}. */
    String name();

    /**
     * The operation's type in model files ({@code conv2d}, {@code add}, ...; docs/FORMAT.md, "Graph"), under which
     * the reader finds it again.
     */
    String type();

    /**
     * The hyper-parameters a model file stores for the operation, from which its type's reader rebuilds an equal
     * operation: the JSON of the operation, kept in its own class.
     */
    JsonObject attributes();

    /** How many inputs the operation reads. */
    int inputCount();

    /**
     * The per-sample output shape for the per-sample shapes of its inputs, in order; throws IllegalArgumentException
     * naming the operation, the expected and the actual shapes when the inputs do not fit.
     */
    long[] outputShape(List<long[]> inputShapes);

    /** The parameters the operation needs for per-sample inputs of {@code inputShapes} (plain layouts), in order. */
    List<ParameterSpec> parameters(List<long[]> inputShapes);

    /**
     * Compiles the operation for {@code inputs} (batch first, any layouts).
     * @param parameters storage for {@link #parameters}, in the same order
     * @param needGradInput whether backward must compute the gradients with respect to the inputs
     */
    LayerPlan plan(PlanContext context, List<Tensor> inputs, Mode mode, List<Parameter> parameters,
                   boolean needGradInput);

    /**
     * States what the node becomes in compiled inference, by one call to {@code rules}.
     *
     * @throws UnsupportedOperationException if the operation has no inference rule
     */
    void compile(InferenceRules rules);

    /**
     * Writes the node as ONNX nodes through {@code nodes} (opset 13); writes nothing for the identity.
     *
     * @throws RuntimeException from {@link OnnxNodes#unsupported} where the opset cannot express it
     */
    void exportOnnx(OnnxNodes nodes);
}
