package dev.jdnn.layers;

/**
 * Explicit padding of a 2-D window, each side on its own (PyTorch's F.pad, ONNX's pads): rows added above and below,
 * columns added left and right, each 0 or more.
 */
public record Pads(long top, long left, long bottom, long right) {
    public Pads {
        requireNonNegative("top", top);
        requireNonNegative("left", left);
        requireNonNegative("bottom", bottom);
        requireNonNegative("right", right);
    }

    /** The same padding on every side. */
    public static Pads of(long all) {
        return new Pads(all, all, all, all);
    }

    /** Padding before (top, left) and after (bottom, right), as the layers' paddings() give them. */
    long[][] beforeAfter() {
        return new long[][] {{top, left}, {bottom, right}};
    }

    /** The largest of the four. */
    long max() {
        return Math.max(Math.max(top, left), Math.max(bottom, right));
    }

    /**
     * Output length along one axis for a window of {@code window} inputs moved by {@code stride} over {@code input}
     * padded by {@code before} and {@code after}; IllegalArgumentException when the window does not fit.
     */
    static long outputLength(long input, long before, long after, long window, long stride) {
        long padded = input + before + after;
        if (padded < window) {
            throw new IllegalArgumentException("input length " + input + " padded by " + before + " and " + after
                    + " is smaller than the window " + window);
        }
        return (padded - window) / stride + 1;
    }

    @Override
    public String toString() {
        return "pads (" + top + ", " + left + ", " + bottom + ", " + right + ")";
    }

    private static void requireNonNegative(String side, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("pads " + side + " must be >= 0, got " + value
                    + " (pads are top, left, bottom, right)");
        }
    }
}
