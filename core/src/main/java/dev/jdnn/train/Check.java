package dev.jdnn.train;

/**
 * Range checks for hyper-parameters; each {@link OutOfRangeException} names the owner, the parameter, its value
 * and the allowed range. The updates compute in float32, so a value must also survive the cast to float: a
 * learning rate of 1e300 became an infinite step (and NaN weights) and one of 1e-50 a step of 0.
 */
final class Check {
    /** The allowed range of {@link #positive}: float32's smallest and largest positive values. */
    static final String POSITIVE = Float.MIN_VALUE + " to " + Float.MAX_VALUE + " once rounded to float32";
    /** The allowed range of {@link #nonNegative}. */
    static final String NON_NEGATIVE = "0 to " + Float.MAX_VALUE + " once rounded to float32";

    private Check() {}

    /**
     * value &gt; 0 and, rounded to float32, neither 0 nor infinite. The bounds are compared as floats: the printed
     * 1.4E-45 and 3.4028235E38 are just outside {@link Float#MIN_VALUE} and {@link Float#MAX_VALUE} as doubles.
     */
    static double positive(String owner, String parameter, double value) {
        if (!(value > 0 && (float) value > 0 && Float.isFinite((float) value))) {
            throw new OutOfRangeException(owner, parameter, value, POSITIVE);
        }
        return value;
    }

    /** value &gt;= 0 and, rounded to float32, finite. */
    static double nonNegative(String owner, String parameter, double value) {
        if (!(value >= 0 && Float.isFinite((float) value))) {
            throw new OutOfRangeException(owner, parameter, value, NON_NEGATIVE);
        }
        return value;
    }

    /** 0 &lt;= value &lt; 1: decay rates, for which 1 would freeze the running average. */
    static double decay(String owner, String parameter, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new OutOfRangeException(owner, parameter, value, "0 <= " + parameter + " < 1");
        }
        return value;
    }
}
