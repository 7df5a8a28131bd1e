package dev.jdnn.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The pixel values behind a {@link Dataset}: floats, or the unsigned bytes of an 8-bit image file scaled to
 * 0..1 on the way out. Bytes keep Fashion-MNIST's 47 million training pixels in 47 MB instead of 188 MB; the
 * value a byte stands for is {@code (b & 0xFF) / 255f}, exactly what converting to floats first would store.
 */
sealed interface Pixels {
    int length();

    float get(int index);

    /** Copies {@code count} values from {@code from} into {@code dst[dstIndex...]}. */
    void copy(int from, float[] dst, int dstIndex, int count);

    /** Copies {@code count} values from {@code from} into {@code dst} as native-order floats at {@code dstByte}. */
    void copy(int from, MemorySegment dst, long dstByte, int count);

    record Floats(float[] values) implements Pixels {
        @Override
        public int length() {
            return values.length;
        }

        @Override
        public float get(int index) {
            return values[index];
        }

        @Override
        public void copy(int from, float[] dst, int dstIndex, int count) {
            System.arraycopy(values, from, dst, dstIndex, count);
        }

        @Override
        public void copy(int from, MemorySegment dst, long dstByte, int count) {
            MemorySegment.copy(values, from, dst, ValueLayout.JAVA_FLOAT_UNALIGNED, dstByte, count);
        }
    }

    record UnsignedBytes(byte[] values) implements Pixels {
        /** The float of every byte value, so that a copy is a table lookup. */
        private static final float[] SCALED = new float[256];

        static {
            for (int b = 0; b < SCALED.length; b++) SCALED[b] = b / 255f;
        }

        @Override
        public int length() {
            return values.length;
        }

        @Override
        public float get(int index) {
            return SCALED[values[index] & 0xFF];
        }

        @Override
        public void copy(int from, float[] dst, int dstIndex, int count) {
            for (int i = 0; i < count; i++) dst[dstIndex + i] = SCALED[values[from + i] & 0xFF];
        }

        @Override
        public void copy(int from, MemorySegment dst, long dstByte, int count) {
            for (int i = 0; i < count; i++) {
                dst.set(ValueLayout.JAVA_FLOAT_UNALIGNED, dstByte + (long) i * Float.BYTES, SCALED[values[from + i] & 0xFF]);
            }
        }
    }
}
