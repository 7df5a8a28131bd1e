package dev.jdnn.train;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Applies a loss to class labels: cross-entropy reads the labels directly; the other losses compare the
 * outputs with one-hot rows built in a buffer allocated once.
 */
final class Targets {
    private final Loss loss;
    private final int width;
    private final MemorySegment oneHot;

    /** Allocates the one-hot buffer (if the loss needs one) in {@code arena}, which the caller closes. */
    Targets(Loss loss, int batchSize, int width, Arena arena) {
        this.loss = loss;
        this.width = width;
        this.oneHot = loss instanceof CrossEntropy ? null
                : arena.allocate((long) batchSize * width * Float.BYTES, 64);
    }

    /** The mean loss of rows 0..n-1 of {@code outputs} against labels[from..]; writes the gradient if asked. */
    double loss(MemorySegment outputs, int[] labels, int from, int n, MemorySegment gradient) {
        if (loss instanceof CrossEntropy crossEntropy) {
            return gradient == null ? crossEntropy.forward(outputs, labels, from, n, width)
                    : crossEntropy.forwardBackward(outputs, labels, from, n, width, gradient);
        }
        oneHot.fill((byte) 0);
        for (int i = 0; i < n; i++) {
            oneHot.setAtIndex(ValueLayout.JAVA_FLOAT, (long) i * width + labels[from + i], 1f);
        }
        return loss.forwardBackward(outputs, oneHot, n, width, gradient);
    }

    static int argmax(MemorySegment outputs, int row, int width) {
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < width; j++) {
            float v = outputs.getAtIndex(ValueLayout.JAVA_FLOAT, (long) row * width + j);
            if (v > max) {
                max = v;
                best = j;
            }
        }
        return best;
    }
}
