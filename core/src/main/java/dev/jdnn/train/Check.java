package dev.jdnn.train;

/**
 * Range checks for hyper-parameters; each {@link OutOfRangeException} names the owner, the parameter, its value
 * and the allowed range. The updates compute in float32, so a value must also survive the cast to float: a
 * learning rate of 1e300 became an infinite step (and NaN weights) and one of 1e-50 a step of 0.
 */
final class Check {
    /** The allowed range of {@link #positive}. */
    static final String POSITIVE = Float.MIN_VALUE + " to " + Float.MAX_VALUE + " (a float32 above 0)";
    /** The allowed range of {@link #nonNegative}. */
    static final String NON_NEGATIVE = "0 to " + Float.MAX_VALUE + " (a finite float32)";

    private Check() {}

    /** {@link Float#MIN_VALUE} &lt;= value &lt;= {@link Float#MAX_VALUE}. */
    static double positive(String owner, String parameter, double value) {
        if (!(value >= Float.MIN_VALUE && value <= Float.MAX_VALUE)) {
            throw new OutOfRangeException(owner, parameter, value, POSITIVE);
        }
        return value;
    }

    /** 0 &lt;= value &lt;= {@link Float#MAX_VALUE}. */
    static double nonNegative(String owner, String parameter, double value) {
        if (!(value >= 0 && value <= Float.MAX_VALUE)) {
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
