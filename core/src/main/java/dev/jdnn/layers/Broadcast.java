package dev.jdnn.layers;

import java.util.Arrays;
import java.util.List;

/**
 * The shape rule of {@link Add} and {@link Mul}: two per-sample shapes of the same rank whose dims are equal or 1 in
 * one of them (NumPy's broadcasting without the rank extension), the output taking the larger of each pair.
 */
final class Broadcast {
    private Broadcast() {}

    static long[] outputShape(String op, List<long[]> inputs) {
        if (inputs.size() != 2) throw new IllegalArgumentException(op + " reads two inputs, got " + inputs.size());
        long[] a = inputs.get(0);
        long[] b = inputs.get(1);
        if (a.length != b.length) {
            throw new IllegalArgumentException(op + " needs inputs of the same rank, got " + Arrays.toString(a)
                    + " and " + Arrays.toString(b));
        }
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i] && a[i] != 1 && b[i] != 1) {
                throw new IllegalArgumentException(op + " needs each dim equal in both inputs or 1 in one of them,"
                        + " got " + Arrays.toString(a) + " and " + Arrays.toString(b));
            }
            out[i] = Math.max(a[i], b[i]);
        }
        return out;
    }
}
