package dev.jdnn.layers;

/** How convolutions and pools treat borders: 'same' keeps ceil(in / stride), 'valid' uses no padding. */
public enum Padding {
    SAME,
    VALID;

    /**
     * Output length along one axis for a window spanning {@code kernel} inputs (a dilated filter's
     * (k - 1) * d + 1); IllegalArgumentException when a 'valid' window does not fit.
     */
    public long outputLength(long input, long kernel, long stride) {
        return switch (this) {
            case SAME -> (input + stride - 1) / stride;
            case VALID -> {
                if (input < kernel) {
                    throw new IllegalArgumentException("input length " + input + " is smaller than the window "
                            + kernel + " with 'valid' padding");
                }
                yield (input - kernel) / stride + 1;
            }
        };
    }

    /**
     * Padding before and after along one axis, split as TensorFlow/Keras do for 'same': the smaller half
     * first, so an odd total puts the extra row/column at the end.
     */
    public long[] beforeAfter(long input, long kernel, long stride) {
        if (this == VALID) return new long[] {0, 0};
        long output = outputLength(input, kernel, stride);
        long total = Math.max((output - 1) * stride + kernel - input, 0);
        return new long[] {total / 2, total - total / 2};
    }

    /** Parses 'same' or 'valid' (any case). */
    public static Padding of(String name) {
        return switch (name == null ? "" : name.toLowerCase(java.util.Locale.ROOT)) {
            case "same" -> SAME;
            case "valid" -> VALID;
            default -> throw new IllegalArgumentException("padding must be 'same' or 'valid', got '" + name + "'");
        };
    }
}
