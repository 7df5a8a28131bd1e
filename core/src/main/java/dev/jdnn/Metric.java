package dev.jdnn;

import java.util.Locale;

/** The metrics {@link SimpleCNN#score} computes; precision, recall and F1 are macro averages over classes. */
public enum Metric {
    ACCURACY,
    PRECISION,
    RECALL,
    F1;

    public static Metric of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown metric '" + name + "'; allowed: accuracy, precision, recall, f1");
        }
    }
}
