package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Layers applied in order: a way to write a chain {@link Graph} ({@link Graph#chain}), which is what runs. Its
 * parameters are its layers' parameters, in order, named {@code <index>.<name>}.
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

    /** Never called: a graph holds a sequence's layers ({@link Graph#chain}), not the sequence. */
    @Override
    public String type() {
        throw new IllegalStateException(name + " is saved as its layers: build the network with Graph.chain");
    }

    /** Never called: a graph holds a sequence's layers ({@link Graph#chain}), not the sequence. */
    @Override
    public JsonObject attributes() {
        throw new IllegalStateException(name + " is saved as its layers: build the network with Graph.chain");
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

    /** The plan of this sequence as a chain {@link Graph}, with its fusions. */
    @Override
    public LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        return GraphPlan.of(Graph.chain(this, Shapes.perSample(input.dims())), context, input, mode, parameters,
                needGradInput);
    }

    /** Never called: a graph holds a sequence's layers ({@link Graph#chain}), not the sequence. */
    @Override
    public void compile(InferenceRules rules) {
        throw new IllegalStateException(name + " is compiled as its layers: build the network with Graph.chain");
    }

    /** Never called: a graph holds a sequence's layers ({@link Graph#chain}), not the sequence. */
    @Override
    public void exportOnnx(OnnxNodes nodes) {
        throw new IllegalStateException(name + " is exported as its layers: build the network with Graph.chain");
    }
}
