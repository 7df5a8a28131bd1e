package dev.jdnn.layers;

import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.tensor.Tensor;
import java.util.List;
import java.util.Optional;

/**
 * An activation function applied to its input, in the input's own layout (plain or whatever the layer
 * before chose), with the same shape. {@code parameter} is the function's alpha or beta (see
 * {@link ActivationFunction}); 0 for functions that take none.
 */
public record Activation(ActivationFunction function, double parameter) implements Layer {
    public Activation {
        if (function == null) throw new IllegalArgumentException("activation function must not be null");
        function.requireParameter(parameter);
    }

    /** The function with its default parameter (leaky-relu slope 0.01, elu alpha 1, softplus and swish beta 1). */
    public Activation(ActivationFunction function) {
        this(function, function == null ? 0 : function.defaultParameter());
    }

    /** The activation named {@code name} (see {@link ActivationFunction#parse}), with its default parameter. */
    public static Activation parse(String name) {
        return new Activation(ActivationFunction.parse(name));
    }

    /** The operation's type in model files. */
    static final String TYPE = "activation";

    @Override
    public String type() {
        return TYPE;
    }

    /** The function by its label ({@code leaky-relu}) and its parameter (0 for functions without one). */
    @Override
    public JsonObject attributes() {
        return new JsonObject.Builder().put("function", function.label()).put("parameter", parameter).build();
    }

    /** The activation that {@link #attributes} describe. */
    static Activation fromJson(OpAttributes a) {
        return new Activation(ActivationFunction.parse(a.text("function")), a.number("parameter"));
    }

    @Override
    public String name() {
        return function.hasParameter()
                ? function.label() + "(" + function.parameterName() + "=" + parameter + ")"
                : function.label();
    }

    @Override
    public long[] outputShape(long[] inputShape) {
        if (inputShape.length < 1) {
            throw new IllegalArgumentException(name() + " expects a per-sample input of at least one dim, got []");
        }
        return inputShape.clone();
    }

    /** This activation as oneDNN post-ops, or empty when it cannot be one (softmax); see {@link ActivationFunction#asPostOps}. */
    public Optional<List<EltwiseOp>> asPostOps() {
        return function.asPostOps(parameter);
    }

    @Override
    public LayerPlan plan(PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                          boolean needGradInput) {
        outputShape(Shapes.perSample(input.dims()));
        boolean gradInput = needGradInput && mode == Mode.TRAINING;
        return switch (function) {
            case LINEAR -> new IdentityPlan(context, name(), input, gradInput);
            case SOFTMAX -> new SoftmaxPlan(context, name(), input, mode, gradInput);
            default -> new EltwisePlan(context, name(), input, mode, asPostOps().orElseThrow(), gradInput);
        };
    }

    /** Inference: post-ops of the op before where it takes them; softmax a step of its own; linear nothing. */
    @Override
    public void compile(InferenceRules rules) {
        switch (function) {
            case LINEAR -> rules.passThrough();
            case SOFTMAX -> rules.softmax();
            default -> rules.eltwise(asPostOps().orElseThrow());
        }
    }

    /**
     * ONNX opset 13: the function's operator, or for silu, hard-swish and both gelus (no operator before opsets 14 to
     * 24) the few operators of their formulas, as PyTorch writes them.
     */
    @Override
    public void exportOnnx(OnnxNodes nodes) {
        float p = (float) parameter;
        String x = nodes.current();
        switch (function) {
            case LINEAR -> { } // the identity
            case RELU -> nodes.node("Relu", List.of(x));
            case SIGMOID -> nodes.node("Sigmoid", List.of(x));
            case TANH -> nodes.node("Tanh", List.of(x));
            case LEAKY_RELU -> nodes.node("LeakyRelu", List.of(x), nodes.real("alpha", p));
            case ELU -> nodes.node("Elu", List.of(x), nodes.real("alpha", p));
            case SELU -> nodes.node("Selu", List.of(x), nodes.real("alpha", (float) ActivationFunction.SELU_ALPHA),
                    nodes.real("gamma", (float) ActivationFunction.SELU_SCALE));
            // Opset 13's Softmax normalizes along the one axis given: the features, or each pixel's channels.
            case SOFTMAX -> nodes.node("Softmax", List.of(x), nodes.integer("axis", 1));
            case SOFTPLUS -> {
                if (parameter != 1) throw nodes.unsupported("ONNX's Softplus has no beta");
                nodes.node("Softplus", List.of(x));
            }
            case SWISH -> {
                if (parameter != 1) {
                    throw nodes.unsupported("silu, swish with beta 1, is written as x * Sigmoid(x); ONNX has no Swish"
                            + " before opset 24");
                }
                nodes.node("Sigmoid", List.of(x));
                nodes.node("Mul", List.of(x, nodes.current()));
            }
            case RELU6 -> nodes.node("Clip", List.of(x, nodes.constant("Clip_min", 0), nodes.constant("Clip_max", 6)));
            case HARD_SIGMOID -> hardSigmoid(nodes);
            case HARD_SWISH -> {
                hardSigmoid(nodes);
                nodes.node("Mul", List.of(x, nodes.current()));
            }
            case GELU -> {
                // 0.5 x (1 + erf(x / sqrt 2)), as PyTorch writes gelu before opset 20.
                nodes.node("Div", List.of(x, nodes.constant("Div_sqrt2", (float) Math.sqrt(2))));
                halfXTimesOnePlus(nodes, "Erf", x);
            }
            case GELU_TANH -> {
                // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
                nodes.node("Mul", List.of(x, x));
                nodes.node("Mul", List.of(nodes.current(), x));
                nodes.node("Mul", List.of(nodes.current(), nodes.constant("Mul_cubic", 0.044715f)));
                nodes.node("Add", List.of(x, nodes.current()));
                nodes.node("Mul", List.of(nodes.current(),
                        nodes.constant("Mul_sqrt_2_over_pi", (float) Math.sqrt(2 / Math.PI))));
                halfXTimesOnePlus(nodes, "Tanh", x);
            }
        }
    }

    /** PyTorch's hard-sigmoid, relu6(x + 3) / 6. */
    private static void hardSigmoid(OnnxNodes nodes) {
        nodes.node("HardSigmoid", List.of(nodes.current()), nodes.real("alpha", 1 / 6f), nodes.real("beta", 0.5f));
    }

    /** 0.5 x (1 + f(current)): the end of both gelu forms. */
    private static void halfXTimesOnePlus(OnnxNodes nodes, String function, String x) {
        nodes.node(function, List.of(nodes.current()));
        nodes.node("Add", List.of(nodes.current(), nodes.constant("Add_one", 1)));
        nodes.node("Mul", List.of(x, nodes.current()));
        nodes.node("Mul", List.of(nodes.current(), nodes.constant("Mul_half", 0.5f)));
    }
}
