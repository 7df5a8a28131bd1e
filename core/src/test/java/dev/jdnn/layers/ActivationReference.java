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
            case SOFTMAX -> throw new IllegalArgumentException("softmax is not element-wise");
        };
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
