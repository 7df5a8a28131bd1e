package dev.jdnn.layers;

import dev.jdnn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Layers applied in order. Its parameters are its layers' parameters, in order, named
 * {@code <index>.<name>}. Two fusions keep the result and save passes over memory: a {@link Flatten}
 * followed by a {@link Dense} (or a block starting with one) costs nothing, the dense layer reading the 4-D
 * tensor itself in whatever layout the layer before chose; a {@link BatchNorm} followed by a ReLU
 * {@link Activation} runs as one oneDNN batch normalization with its fused ReLU.
 */
public class Sequential implements Layer {
    private final String name;
    private final List<Layer> layers;

    public Sequential(String name, List<Layer> layers) {
        if (layers.isEmpty()) throw new IllegalArgumentException(name + " needs at least one layer");
        this.name = name;
        this.layers = List.copyOf(layers);
    }

    public Sequential(List<Layer> layers) {
        this("sequential", layers);
    }

    /** The given layers without the nulls: how the blocks leave out their optional layers. */
    protected static List<Layer> present(Layer... optional) {
        List<Layer> layers = new ArrayList<>();
        for (Layer layer : optional) if (layer != null) layers.add(layer);
        return layers;
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        long[] shape = inputShape;
        for (Layer layer : layers) shape = layer.outputShape(shape);
        return shape;
    }

    @Override
    public List<ParameterSpec> parameters(long[] inputShape) {
        List<ParameterSpec> all = new ArrayList<>();
        long[] shape = inputShape;
        for (int i = 0; i < layers.size(); i++) {
            for (ParameterSpec spec : layers.get(i).parameters(shape)) {
                all.add(new ParameterSpec(i + "." + spec.name(), spec.kind(), spec.dims()));
            }
            shape = layers.get(i).outputShape(shape);
        }
        return all;
    }

    @Override
    public LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        List<LayerPlan> plans = new ArrayList<>();
        Tensor current = input;
        int offset = 0;
        long[] shape = Shapes.perSample(input.dims());
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            int count = layer.parameters(shape).size();
            List<Parameter> own = parameters.subList(offset, offset + count);
            offset += count;
            shape = layer.outputShape(shape);
            boolean grad = needGradInput || !plans.isEmpty();
            if (layer instanceof Flatten && i + 1 < layers.size() && startsWithDense(layers.get(i + 1))) {
                continue; // the dense layer reads the 4-D tensor directly
            }
            LayerPlan plan;
            if (layer instanceof BatchNorm norm && i + 1 < layers.size() && isPlainRelu(layers.get(i + 1))) {
                plan = norm.planWithRelu(context, current, mode, own, grad);
                i++; // the ReLU is part of the batch-norm primitive; it has no parameters and keeps the shape
            } else {
                plan = layer.plan(context, current, mode, own, grad);
            }
            plans.add(plan);
            current = plan.output();
        }
        return new SequentialPlan(plans);
    }

    private static boolean isPlainRelu(Layer layer) {
        return layer instanceof Activation a && a.function() == ActivationFunction.RELU;
    }

    private static boolean startsWithDense(Layer layer) {
        return layer instanceof Dense || layer instanceof Sequential s && startsWithDense(s.layers.getFirst());
    }

    /** Runs the plans in order forward and in reverse backward, wiring each gradient to the next. */
    private record SequentialPlan(List<LayerPlan> plans) implements LayerPlan {
        @Override
        public Tensor output() {
            return plans.getLast().output();
        }

        @Override
        public void forward() {
            for (LayerPlan plan : plans) plan.forward();
        }

        @Override
        public Tensor gradInput() {
            return plans.getFirst().gradInput();
        }

        @Override
        public void bindGradOutput(Tensor gradOutput) {
            Tensor gradient = gradOutput;
            for (LayerPlan plan : plans.reversed()) {
                plan.bindGradOutput(gradient);
                gradient = plan.gradInput();
            }
        }

        @Override
        public void backward() {
            for (LayerPlan plan : plans.reversed()) plan.backward();
        }

        @Override
        public List<LayerPlan> children() {
            return plans;
        }
    }
}
