package dev.jdnn.layers;

import java.util.Locale;

/**
 * What a pooling window computes: its maximum, or the mean of the inputs it covers (padding excluded unless the
 * layer counts it, see {@link Pooling2D#countIncludePad()}).
 */
public enum PoolMode {
    MAX,
    AVG;

    /** Parses 'max' or 'avg' (any case). */
    public static PoolMode of(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "max" -> MAX;
            case "avg" -> AVG;
            default -> throw new IllegalArgumentException("pool mode must be 'max' or 'avg', got '" + name + "'");
        };
    }
}
