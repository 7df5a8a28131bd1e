package dev.jdnn.layers;

import dev.jdnn.runtime.Algorithm;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The seed's family of activation functions and those of modern CNNs, as PyTorch defines them. Some take
 * one parameter: the slope alpha of LEAKY_RELU, ELU's alpha, the beta of SOFTPLUS (log(1 + exp(beta x)) /
 * beta) and of SWISH (x * sigmoid(beta x); SiLU is swish with beta 1). RELU6 is min(max(x, 0), 6),
 * HARD_SIGMOID relu6(x + 3) / 6, HARD_SWISH x * hard-sigmoid(x), GELU x * Phi(x) with Phi the standard
 * normal's distribution function (the exact erf form), GELU_TANH its tanh approximation
 * 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). At the kinks the derivatives are PyTorch's but for
 * hard-swish, whose derivative oneDNN takes from outside [-3, 3] (0 at -3, 1 at 3) and PyTorch from
 * inside at -3 (-1/2; at 3 its scalar and vectorized loops differ). SOFTMAX normalizes over axis 1 (the
 * features, or the channels of each pixel); every other function applies to each element alone.
 */
public enum ActivationFunction {
    LINEAR("linear", null, 0),
    RELU("relu", null, 0),
    SIGMOID("sigmoid", null, 0),
    TANH("tanh", null, 0),
    LEAKY_RELU("leaky-relu", "alpha", 0.01),
    SOFTMAX("softmax", null, 0),
    ELU("elu", "alpha", 1.0),
    SELU("selu", null, 0),
    SOFTPLUS("softplus", "beta", 1.0),
    SWISH("swish", "beta", 1.0, "silu"),
    RELU6("relu6", null, 0),
    HARD_SIGMOID("hard-sigmoid", null, 0),
    HARD_SWISH("hard-swish", null, 0),
    GELU("gelu", null, 0),
    GELU_TANH("gelu-tanh", null, 0);

    /** SELU's alpha (Klambauer et al. 2017), with the digits PyTorch uses. */
    public static final double SELU_ALPHA = 1.6732632423543772;
    /** SELU's scale (Klambauer et al. 2017), with the digits PyTorch uses. */
    public static final double SELU_SCALE = 1.0507009873554805;

    private final String label;
    private final String parameterName;
    private final double defaultParameter;
    /** Other names {@link #parse} accepts, e.g. PyTorch's. */
    private final List<String> aliases;

    ActivationFunction(String label, String parameterName, double defaultParameter, String... aliases) {
        this.label = label;
        this.parameterName = parameterName;
        this.defaultParameter = defaultParameter;
        this.aliases = List.of(aliases);
    }

    /**
     * The function named {@code name}, ignoring case and with or without its hyphen (leaky-relu, leakyrelu
     * or leaky_relu): linear, relu, sigmoid, tanh, leaky-relu, softmax, elu, selu, softplus, swish (also
     * silu), relu6, hard-sigmoid, hard-swish, gelu, gelu-tanh.
     */
    public static ActivationFunction parse(String name) {
        if (name != null) {
            String key = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (ActivationFunction f : values()) {
                if (f.label.equals(key) || f.label.replace("-", "").equals(key) || f.aliases.contains(key)) return f;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + name + "'; allowed: "
                + Arrays.stream(values()).map(f -> f.aliases.isEmpty() ? f.label
                        : f.label + " (also " + String.join(", ", f.aliases) + ")").collect(Collectors.joining(", ")));
    }

    /** The lower-case name {@link #parse} accepts, e.g. {@code leaky-relu}. */
    public String label() {
        return label;
    }

    /** Whether the function takes a parameter (see {@link #parameterName()}). */
    public boolean hasParameter() {
        return parameterName != null;
    }

    /** "alpha" or "beta" for the functions that take one, else null. */
    public String parameterName() {
        return parameterName;
    }

    /** The parameter used when none is given; 0 for functions without one. */
    public double defaultParameter() {
        return defaultParameter;
    }

    /**
     * Checks a parameter value. Slopes and ELU's alpha must be finite and >= 0 (oneDNN's backward from
     * the output needs a monotonic function); betas finite and > 0; functions without a parameter take 0.
     */
    void requireParameter(double value) {
        boolean ok = switch (this) {
            case LEAKY_RELU, ELU -> value >= 0 && Double.isFinite(value);
            case SOFTPLUS, SWISH -> value > 0 && Double.isFinite(value);
            default -> value == 0;
        };
        if (!ok) {
            throw new IllegalArgumentException(hasParameter()
                    ? label + " " + parameterName + " must be finite and " + (this == SOFTPLUS || this == SWISH
                            ? "> 0" : ">= 0") + ", got " + value
                    : label + " takes no parameter, got " + value);
        }
    }

    /**
     * This function as a chain of oneDNN element-wise operations for {@code parameter}, to be appended
     * in order as post-ops: empty for SOFTMAX (not element-wise), an empty list for LINEAR (nothing to
     * do), two operations for SELU (oneDNN has no SELU: scale * elu_alpha(x) is ELU followed by a linear
     * scaling), one operation for every other function. RELU6 is oneDNN's clip_v2 rather than clip: its
     * derivative is 0 at both ends, 0 and 6, as PyTorch's.
     */
    public Optional<List<EltwiseOp>> asPostOps(double parameter) {
        requireParameter(parameter);
        float p = (float) parameter;
        return switch (this) {
            case LINEAR -> Optional.of(List.of());
            case SOFTMAX -> Optional.empty();
            case RELU -> one(Algorithm.ELTWISE_RELU, 0);
            case LEAKY_RELU -> one(Algorithm.ELTWISE_RELU, p);
            case SIGMOID -> one(Algorithm.ELTWISE_LOGISTIC, 0);
            case TANH -> one(Algorithm.ELTWISE_TANH, 0);
            case ELU -> one(Algorithm.ELTWISE_ELU, p);
            // oneDNN's soft_relu with alpha computes log(1 + exp(alpha x)) / alpha: softplus with beta.
            case SOFTPLUS -> one(Algorithm.ELTWISE_SOFT_RELU, p);
            case SWISH -> one(Algorithm.ELTWISE_SWISH, p);
            case SELU -> Optional.of(List.of(new EltwiseOp(Algorithm.ELTWISE_ELU, (float) SELU_ALPHA, 0),
                    new EltwiseOp(Algorithm.ELTWISE_LINEAR, (float) SELU_SCALE, 0)));
            case RELU6 -> Optional.of(List.of(new EltwiseOp(Algorithm.ELTWISE_CLIP_V2, 0, 6)));
            // oneDNN's hardsigmoid is max(0, min(1, alpha x + beta)), hardswish x times it.
            case HARD_SIGMOID -> Optional.of(List.of(new EltwiseOp(Algorithm.ELTWISE_HARDSIGMOID, 1 / 6f, 0.5f)));
            case HARD_SWISH -> Optional.of(List.of(new EltwiseOp(Algorithm.ELTWISE_HARDSWISH, 1 / 6f, 0.5f)));
            case GELU -> one(Algorithm.ELTWISE_GELU_ERF, 0);
            case GELU_TANH -> one(Algorithm.ELTWISE_GELU_TANH, 0);
        };
    }

    private static Optional<List<EltwiseOp>> one(Algorithm algorithm, float alpha) {
        return Optional.of(List.of(new EltwiseOp(algorithm, alpha, 0)));
    }
}
