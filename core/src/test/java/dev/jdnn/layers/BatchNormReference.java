package dev.jdnn.layers;

/**
 * Batch normalization written out in double precision over plain N x C x S data (S = H * W, 1 for
 * features): the independent reference the oneDNN plans are compared with.
 */
final class BatchNormReference {
    final int batch;
    final int channels;
    final int spatial;
    final double epsilon;

    BatchNormReference(long[] dims, double epsilon) {
        this.batch = (int) dims[0];
        this.channels = (int) dims[1];
        int s = 1;
        for (int i = 2; i < dims.length; i++) s *= (int) dims[i];
        this.spatial = s;
        this.epsilon = epsilon;
    }

    int index(int n, int c, int s) {
        return (n * channels + c) * spatial + s;
    }

    double[] mean(double[] x) {
        double[] mean = new double[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int n = 0; n < batch; n++) for (int s = 0; s < spatial; s++) sum += x[index(n, c, s)];
            mean[c] = sum / (batch * spatial);
        }
        return mean;
    }

    /** The biased variance (divided by the count), the one the batch is normalized with. */
    double[] variance(double[] x, double[] mean) {
        double[] variance = new double[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int n = 0; n < batch; n++) {
                for (int s = 0; s < spatial; s++) {
                    double d = x[index(n, c, s)] - mean[c];
                    sum += d * d;
                }
            }
            variance[c] = sum / (batch * spatial);
        }
        return variance;
    }

    double[] normalize(double[] x, double[] scale, double[] shift, double[] mean, double[] variance) {
        double[] y = new double[x.length];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                double inv = 1 / Math.sqrt(variance[c] + epsilon);
                for (int s = 0; s < spatial; s++) {
                    int i = index(n, c, s);
                    y[i] = scale[c] * (x[i] - mean[c]) * inv + shift[c];
                }
            }
        }
        return y;
    }

    /** Training-mode output: normalized with the batch's own statistics. */
    double[] training(double[] x, double[] scale, double[] shift) {
        double[] mean = mean(x);
        return normalize(x, scale, shift, mean, variance(x, mean));
    }

    /** L = sum(training(x) * r), the scalar whose gradients the backward tests check. */
    double loss(double[] x, double[] scale, double[] shift, double[] r) {
        double[] y = training(x, scale, shift);
        double sum = 0;
        for (int i = 0; i < y.length; i++) sum += y[i] * r[i];
        return sum;
    }

    /** Central finite differences of {@link #loss} with respect to every element of {@code wrt}. */
    double[] numericGradient(double[] x, double[] scale, double[] shift, double[] r, double[] wrt, double h) {
        double[] grad = new double[wrt.length];
        for (int i = 0; i < wrt.length; i++) {
            double saved = wrt[i];
            wrt[i] = saved + h;
            double plus = loss(x, scale, shift, r);
            wrt[i] = saved - h;
            double minus = loss(x, scale, shift, r);
            wrt[i] = saved;
            grad[i] = (plus - minus) / (2 * h);
        }
        return grad;
    }

    /**
     * Fails unless every element is within {@code tolerance} times the expected values' scale (at least 1),
     * reporting the largest difference.
     */
    static void assertClose(String what, float[] actual, double[] expected, double tolerance) {
        double diff = maxDiff(actual, expected);
        double limit = tolerance * Math.max(1, maxAbs(expected));
        if (!(diff <= limit)) throw new AssertionError(what + ": largest difference " + diff + " > " + limit);
    }

    /** Largest |actual - expected|. */
    static double maxDiff(float[] actual, double[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + " != expected " + expected.length);
        }
        double max = 0;
        for (int i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
        return max;
    }

    static double maxAbs(double[] values) {
        double max = 0;
        for (double v : values) max = Math.max(max, Math.abs(v));
        return max;
    }

    static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i];
        return out;
    }

    static float[] toFloat(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (float) values[i];
        return out;
    }
}
