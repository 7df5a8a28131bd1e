package dev.jdnn.layers;

import java.util.ArrayList;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Batch normalization over the channels (or features) of its input: y = scale * (x - mean) /
 * sqrt(variance + epsilon) + shift, with one mean and variance per channel.
 * <p>Training normalizes with the batch's statistics (biased variance) and folds them into running
 * averages, {@code running = momentum * running + (1 - momentum) * batch}, where the batch variance is
 * the unbiased one (n / (n - 1) times the biased, n values per channel), as PyTorch does. Inference
 * normalizes with the running averages. The seed's momentum 0.9 is PyTorch's momentum 0.1.
 * <p>Parameters, in order: {@code scale} and {@code shift} (trained), {@code running_mean} and
 * {@code running_variance} (state), one value per channel each. They must start as {@link #initialize}
 * sets them: scale 1, shift 0, running mean 0, running variance 1.
 */
public sealed interface BatchNorm extends Layer permits BatchNorm2D, BatchNorm1D {
    /** The seed's default: keep 90% of the running statistics at each step (PyTorch momentum 0.1). */
    double DEFAULT_MOMENTUM = 0.9;
    double DEFAULT_EPSILON = 1e-5;

    /** Channels (BatchNorm2D) or features (BatchNorm1D): the number of means and variances. */
    long channels();

    /** Weight of the old running statistics in each update, in [0, 1]. */
    double momentum();

    /** Added to the variance before its square root, > 0. */
    double epsilon();

    @Override
    default long[] outputShape(long[] inputShape) {
        requireInput(inputShape);
        return inputShape.clone();
    }

    /** Throws IllegalArgumentException naming the layer when the per-sample shape does not fit. */
    void requireInput(long[] inputShape);

    @Override
    default List<ParameterSpec> parameters(long[] inputShape) {
        long[] dims = {channels()};
        return List.of(
                new ParameterSpec("scale", ParameterSpec.Kind.SCALE, dims),
                new ParameterSpec("shift", ParameterSpec.Kind.SHIFT, dims),
                new ParameterSpec("running_mean", ParameterSpec.Kind.RUNNING_MEAN, dims),
                new ParameterSpec("running_variance", ParameterSpec.Kind.RUNNING_VARIANCE, dims));
    }

    @Override
    default LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                           boolean needGradInput) {
        requireInput(Shapes.perSample(input.dims()));
        Shapes.requireParameters(this, Shapes.perSample(input.dims()), parameters);
        NativeLimits.requireBatchNormImage(name(), Shapes.perSample(input.dims()));
        return new BatchNormPlan(this, context, input, mode, parameters, needGradInput, false);
    }

    /**
     * Batch normalization followed by ReLU in one oneDNN primitive (its fuse_norm_relu flag), forward and
     * backward: the same result as planning this layer and a ReLU {@link Activation}, with one pass over
     * the data instead of two each way.
     */
    default LayerPlan planWithRelu(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                                   boolean needGradInput) {
        requireInput(Shapes.perSample(input.dims()));
        Shapes.requireParameters(this, Shapes.perSample(input.dims()), parameters);
        NativeLimits.requireBatchNormImage(name(), Shapes.perSample(input.dims()));
        return new BatchNormPlan(this, context, input, mode, parameters, needGradInput, true);
    }

    /**
     * Folds this layer, as inference computes it, into the weights and bias of the convolution or dense layer
     * right before it, in place: per output channel o, W'[o] = W[o] k[o] and b'[o] = (b[o] - mean[o]) k[o] +
     * shift[o] with k = scale / sqrt(variance + epsilon), in double and rounded once.
     *
     * @param weights    the layer's weights, output channel first
     * @param bias       the layer's bias, one value per output channel
     * @param parameters this layer's parameters: scale, shift, running mean, running variance
     * @throws IllegalArgumentException if {@code bias} does not hold one value per channel of this layer
     */
    default void foldInto(float[] weights, float[] bias, List<Parameter> parameters) {
        float[] scale = parameters.get(0).value().toArray(ValueLayout.JAVA_FLOAT);
        float[] shift = parameters.get(1).value().toArray(ValueLayout.JAVA_FLOAT);
        float[] mean = parameters.get(2).value().toArray(ValueLayout.JAVA_FLOAT);
        float[] variance = parameters.get(3).value().toArray(ValueLayout.JAVA_FLOAT);
        if (scale.length != bias.length) {
            throw new IllegalArgumentException(name() + " normalizes " + scale.length + " channels but the bias it"
                    + " folds into holds " + bias.length);
        }
        int perChannel = weights.length / bias.length;
        for (int o = 0; o < bias.length; o++) {
            double k = scale[o] / Math.sqrt((double) variance[o] + epsilon());
            for (int i = o * perChannel, end = i + perChannel; i < end; i++) weights[i] = (float) (weights[i] * k);
            bias[o] = (float) ((bias[o] - (double) mean[o]) * k + shift[o]);
        }
    }

    /**
     * Sets batch-norm parameters to their starting values: scale 1, shift 0, running mean 0, running
     * variance 1 (so an untrained layer is the identity, up to epsilon, in both modes).
     * @throws IllegalArgumentException for a parameter that is not one of the four batch-norm kinds
     */
    static void initialize(List<Parameter> parameters) {
        for (Parameter p : parameters) {
            float value = switch (p.spec().kind()) {
                case SCALE, RUNNING_VARIANCE -> 1f;
                case SHIFT, RUNNING_MEAN -> 0f;
                default -> throw new IllegalArgumentException(p.spec() + " is a " + p.spec().kind()
                        + ", not a batch-norm parameter (SCALE, SHIFT, RUNNING_MEAN or RUNNING_VARIANCE)");
            };
            MemorySegment v = p.value();
            for (long i = 0, n = p.spec().elementCount(); i < n; i++) v.setAtIndex(ValueLayout.JAVA_FLOAT, i, value);
        }
    }

    /** Inference: folded into the convolution or dense layer before it. */
    @Override
    default void compile(InferenceRules rules) {
        rules.foldBatchNorm(this);
    }

    /** ONNX: BatchNormalization, unless the export folds it into the layer before (which then writes it). */
    @Override
    default void exportOnnx(OnnxNodes nodes) {
        List<String> inputs = new ArrayList<>(List.of(nodes.current()));
        inputs.addAll(nodes.parameterInitializers());
        nodes.node("BatchNormalization", inputs, nodes.real("epsilon", (float) epsilon()));
    }
}
