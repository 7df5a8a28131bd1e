package dev.jdnn.train;

import dev.jdnn.data.Dataset;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Images to run a network on, copied batch by batch into a plan's input buffer (NCHW floats). */
public interface Inputs {
    int count();

    /** Copies images {@code from .. from+n-1} into the start of {@code target}. */
    void copy(int from, int n, MemorySegment target);

    static Inputs of(Dataset data) {
        int[] identity = new int[data.count()];
        for (int i = 0; i < identity.length; i++) identity[i] = i;
        MemorySegment labels = MemorySegment.ofArray(new int[data.count()]);
        return new Inputs() {
            @Override
            public int count() {
                return data.count();
            }

            @Override
            public void copy(int from, int n, MemorySegment target) {
                data.copyBatch(identity, from, n, target, labels);
            }
        };
    }

    /** Flat NCHW pixels of {@code count} images of {@code imageSize} floats each. */
    static Inputs of(float[] pixels, int count, int imageSize) {
        return new Inputs() {
            @Override
            public int count() {
                return count;
            }

            @Override
            public void copy(int from, int n, MemorySegment target) {
                MemorySegment.copy(pixels, from * imageSize, target, ValueLayout.JAVA_FLOAT, 0, n * imageSize);
            }
        };
    }
}
