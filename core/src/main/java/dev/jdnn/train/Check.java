package dev.jdnn.train;

/** Range checks for hyper-parameters; each message names the owner, the parameter, its value and the allowed range. */
final class Check {
    private Check() {}

    /** value > 0 and finite. */
    static double positive(String owner, String parameter, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw bad(owner, parameter, value, "a finite number > 0");
        }
        return value;
    }

    /** value >= 0 and finite. */
    static double nonNegative(String owner, String parameter, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw bad(owner, parameter, value, "a finite number >= 0");
        }
        return value;
    }

    /** 0 <= value < 1: decay rates, for which 1 would freeze the running average. */
    static double decay(String owner, String parameter, double value) {
        if (!(value >= 0 && value < 1)) {
            throw bad(owner, parameter, value, "in [0, 1)");
        }
        return value;
    }

    private static IllegalArgumentException bad(String owner, String parameter, double value, String range) {
        return new IllegalArgumentException(owner + ": " + parameter + " must be " + range + ", got " + value);
    }
}
