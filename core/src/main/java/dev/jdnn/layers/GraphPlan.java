package dev.jdnn.layers;

import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDescs;
import dev.jdnn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link Graph} compiled for training or layer-by-layer inference: one plan per node, run in node order forward and
 * in reverse backward. A value read by several nodes gets the sum of their gradients (one oneDNN sum, run before
 * the backward of the node that gave the value).
 * <p>Two fusions keep the result and save passes over memory: a {@link Flatten} read only by {@link Dense} nodes
 * costs nothing, the dense layers reading the 4-D tensor itself in whatever layout the node before chose; a
 * {@link BatchNorm} read only by a ReLU {@link Activation} runs as one oneDNN batch normalization with its fused
 * ReLU. A fused node's value is the value it fuses with ({@link #source}).
 */
final class GraphPlan implements LayerPlan {
    private final PlanContext context;
    private final Graph graph;
    private final boolean needGradInput;
    /** For each value, the value whose tensor holds it: itself, or what a fused node passed on. */
    private final int[] source;
    private final Tensor[] tensors;
    private final List<LayerPlan> plans = new ArrayList<>();
    /** The value each plan gives, and the source values it reads. */
    private final List<Integer> planValues = new ArrayList<>();
    private final List<List<Integer>> planInputs = new ArrayList<>();
    /** Per plan, the sum of the gradients of its value's readers, or null where one reader (or none) gives it. */
    private final List<Step> sums = new ArrayList<>();
    private Step inputSum;
    private Tensor gradInput;
    private boolean bound;

    private GraphPlan(PlanContext context, Graph graph, boolean needGradInput) {
        this.context = context;
        this.graph = graph;
        this.needGradInput = needGradInput;
        this.source = new int[graph.nodes().size() + 1];
        this.tensors = new Tensor[source.length];
    }

    /**
     * The plan of {@code graph} for {@code input} (batch first, the graph's input shape per sample).
     * @param parameters storage for the graph's {@link Graph#parameters()}, in the same order
     * @param needGradInput whether backward must compute the gradient with respect to the graph's input
     */
    static GraphPlan of(Graph graph, PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                        boolean needGradInput) {
        if (!Arrays.equals(Shapes.perSample(input.dims()), graph.inputShape())) {
            throw new IllegalArgumentException("the graph takes per-sample inputs of "
                    + Arrays.toString(graph.inputShape()) + ", got a tensor of " + Arrays.toString(input.dims()));
        }
        if (parameters.size() != graph.parameters().size()) {
            throw new IllegalArgumentException("the graph needs " + graph.parameters().size() + " parameters, got "
                    + parameters.size());
        }
        GraphPlan plan = new GraphPlan(context, graph, needGradInput);
        plan.build(input, mode, parameters);
        return plan;
    }

    private void build(Tensor input, Mode mode, List<Parameter> parameters) {
        tensors[0] = input;
        boolean[] fused = new boolean[graph.nodes().size()];
        for (int i = 0; i < graph.nodes().size(); i++) {
            int value = i + 1;
            Graph.Node node = graph.node(i);
            List<Integer> inputs = node.inputs().stream().map(v -> source[v]).toList();
            if (fused[i]) { // a ReLU that the batch norm before it computes
                source[value] = source[node.inputs().getFirst()];
                continue;
            }
            if (node.op() instanceof Flatten && !graph.uses(value).isEmpty() && readersAre(value, Dense.class)) {
                source[value] = inputs.getFirst(); // the dense layers read the unflattened tensor directly
                continue;
            }
            List<Parameter> own = parameters.subList(graph.parameterStart(i),
                    graph.parameterStart(i) + graph.parameterCount(i));
            boolean grad = needGradInput || inputs.stream().anyMatch(v -> v != 0);
            List<Tensor> in = inputs.stream().map(v -> tensors[v]).toList();
            LayerPlan plan;
            List<Graph.Use> readers = graph.uses(value);
            if (node.op() instanceof BatchNorm norm && readers.size() == 1 && isPlainRelu(graph.node(readers.getFirst().node()).op())) {
                plan = norm.planWithRelu(context, in.getFirst(), mode, own, grad);
                fused[readers.getFirst().node()] = true;
            } else {
                plan = node.op().plan(context, in, mode, own, grad);
            }
            plans.add(plan);
            planValues.add(value);
            planInputs.add(inputs);
            source[value] = value;
            tensors[value] = plan.output();
        }
    }

    private boolean readersAre(int value, Class<? extends Op> type) {
        return graph.uses(value).stream().allMatch(use -> type.isInstance(graph.node(use.node()).op()));
    }

    private static boolean isPlainRelu(Op op) {
        return op instanceof Activation a && a.function() == ActivationFunction.RELU;
    }

    @Override
    public Tensor output() {
        return tensors[source[graph.output()]];
    }

    @Override
    public void forward() {
        for (LayerPlan plan : plans) plan.forward();
    }

    /** Null in inference plans, where the plan was built without it, and before {@link #bindGradOutput}. */
    @Override
    public Tensor gradInput() {
        return gradInput;
    }

    /** Binds each plan's output gradient, last plan first: its readers' input gradients, summed where several. */
    @Override
    public void bindGradOutput(Tensor gradOutput) {
        if (bound) throw new IllegalStateException("gradient output is already bound");
        int output = source[graph.output()];
        for (int p = plans.size() - 1; p >= 0; p--) {
            int value = planValues.get(p);
            Gradient gradient = value == output ? new Gradient(gradOutput, null) : gradient(value);
            plans.get(p).bindGradOutput(gradient.tensor());
            sums.addFirst(gradient.sum());
        }
        if (needGradInput) {
            Gradient gradient = gradient(0);
            gradInput = gradient.tensor();
            inputSum = gradient.sum();
        }
        bound = true;
    }

    /** A value's gradient, and the step that sums it from its readers' gradients (null for one reader). */
    private record Gradient(Tensor tensor, Step sum) {}

    private Gradient gradient(int value) {
        List<Tensor> gradients = readerGradients(value);
        if (gradients.size() == 1) return new Gradient(gradients.getFirst(), null);
        if (gradients.size() > Arg.MAX_SOURCES) {
            throw new IllegalArgumentException("a value read by " + gradients.size() + " nodes: at most "
                    + Arg.MAX_SOURCES + " readers can have their gradients summed");
        }
        Tensor sum = Tensor.of(context.arena(), tensors[value].desc());
        var desc = PrimitiveDescs.sum(context.arena(), sum.desc(), gradients.stream().map(Tensor::desc).toList(),
                new PrimitiveAttr(context.arena()));
        Step.Binder binder = Step.of(context, desc).arg(Arg.DST, sum);
        for (int i = 0; i < gradients.size(); i++) binder.arg(Arg.source(i), gradients.get(i));
        return new Gradient(sum, binder.build());
    }

    /** The input gradients of every plan reading {@code value}, in plan order. */
    private List<Tensor> readerGradients(int value) {
        List<Tensor> gradients = new ArrayList<>();
        for (int p = 0; p < plans.size(); p++) {
            List<Integer> inputs = planInputs.get(p);
            for (int slot = 0; slot < inputs.size(); slot++) {
                if (inputs.get(slot) == value) gradients.add(plans.get(p).gradInput(slot));
            }
        }
        if (gradients.isEmpty()) throw new IllegalStateException("value " + value + " of the graph is read by no plan");
        return gradients;
    }

    @Override
    public void backward() {
        for (int p = plans.size() - 1; p >= 0; p--) {
            Step sum = sums.get(p);
            if (sum != null) sum.run(context.stream());
            plans.get(p).backward();
        }
        if (inputSum != null) inputSum.run(context.stream());
    }

    @Override
    public List<LayerPlan> children() {
        return plans;
    }
}
