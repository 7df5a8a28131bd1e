package dev.jdnn.layers;

import static dev.jdnn.layers.ActivationFunction.SELU_ALPHA;
import static dev.jdnn.layers.ActivationFunction.SELU_SCALE;

/** Naive double-precision activations, written from their textbook formulas, and their finite-difference gradients. */
final class ActivationReference {
    private ActivationReference() {}

    static double apply(Activation a, double x) {
        double p = a.parameter();
        return switch (a.function()) {
            case LINEAR -> x;
            case RELU -> Math.max(0, x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case LEAKY_RELU -> x > 0 ? x : p * x;
            case ELU -> x > 0 ? x : p * (Math.exp(x) - 1);
            case SELU -> SELU_SCALE * (x > 0 ? x : SELU_ALPHA * (Math.exp(x) - 1));
            case SOFTPLUS -> Math.log1p(Math.exp(p * x)) / p;
            case SWISH -> x / (1 + Math.exp(-p * x));
            case RELU6 -> Math.min(Math.max(x, 0), 6);
            case HARD_SIGMOID -> Math.min(Math.max(x + 3, 0), 6) / 6;
            case HARD_SWISH -> x * Math.min(Math.max(x + 3, 0), 6) / 6;
            case GELU -> x * (1 + erf(x / Math.sqrt(2))) / 2;
            case GELU_TANH -> x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))) / 2;
            case SOFTMAX -> throw new IllegalArgumentException("softmax is not element-wise");
        };
    }

    /**
     * The error function to double precision, from its series erf(x) = 2 / sqrt(pi) exp(-x^2) sum over n of
     * 2^n x^(2n+1) / (1 * 3 * ... * (2n+1)), whose terms are all positive (no cancellation); beyond |x| = 6,
     * 1 - |erf(x)| is below 1e-17 and erf is +-1 in double.
     */
    static double erf(double x) {
        double a = Math.abs(x);
        if (a > 6) return Math.signum(x);
        double term = a;
        double sum = a;
        for (int n = 1; term > 1e-17 * sum; n++) {
            term *= 2 * a * a / (2 * n + 1);
            sum += term;
        }
        return Math.signum(x) * 2 / Math.sqrt(Math.PI) * Math.exp(-a * a) * sum;
    }

    /** The activation of a batch-first tensor given in plain order; softmax normalizes over axis 1. */
    static double[] forward(Activation a, float[] x, long[] dims) {
        double[] in = new double[x.length];
        for (int i = 0; i < x.length; i++) in[i] = x[i];
        return forward(a, in, dims);
    }

    static double[] forward(Activation a, double[] x, long[] dims) {
        double[] y = new double[x.length];
        if (a.function() != ActivationFunction.SOFTMAX) {
            for (int i = 0; i < x.length; i++) y[i] = apply(a, x[i]);
            return y;
        }
        int channels = (int) dims[1];
        int inner = x.length / (int) dims[0] / channels;
        for (int n = 0; n < dims[0]; n++) {
            for (int s = 0; s < inner; s++) {
                int base = n * channels * inner + s;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < channels; c++) max = Math.max(max, x[base + c * inner]);
                double sum = 0;
                for (int c = 0; c < channels; c++) sum += Math.exp(x[base + c * inner] - max);
                for (int c = 0; c < channels; c++) y[base + c * inner] = Math.exp(x[base + c * inner] - max) / sum;
            }
        }
        return y;
    }

    /**
     * dL/dx for L = sum(forward(x) * r), by central differences in double. The step never crosses 0, so
     * the kinks of relu-like functions are not straddled.
     */
    static double[] gradient(Activation a, float[] x, float[] r, long[] dims) {
        double[] point = new double[x.length];
        for (int i = 0; i < x.length; i++) point[i] = x[i];
        double[] grad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double h = Math.min(1e-5, Math.abs(point[i]) / 2);
            if (h == 0) throw new IllegalArgumentException("input element " + i + " is exactly 0");
            double saved = point[i];
            point[i] = saved + h;
            double plus = dot(forward(a, point, dims), r);
            point[i] = saved - h;
            double minus = dot(forward(a, point, dims), r);
            point[i] = saved;
            grad[i] = (plus - minus) / (2 * h);
        }
        return grad;
    }

    private static double dot(double[] y, float[] r) {
        double sum = 0;
        for (int i = 0; i < y.length; i++) sum += y[i] * r[i];
        return sum;
    }
}
