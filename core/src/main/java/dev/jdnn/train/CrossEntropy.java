package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Softmax followed by cross-entropy, on logits, averaged over the batch rows (PyTorch's CrossEntropyLoss).
 * Targets are class probabilities per row (one-hot or soft; rows need not sum to 1, as in PyTorch) or, with the
 * {@code int[]} overloads, class indices. The log-sum-exp is taken after subtracting the row maximum, so logits of
 * any magnitude are safe. Gradient per row: {@code (softmax(x) * sum(t) - t) / batch}.
 */
public record CrossEntropy() implements Loss {
    static final String NAME = "cross-entropy";
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;
    /** Each thread's row of logits, as wide as the widest it has seen, so that a call allocates nothing. */
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double forwardBackward(MemorySegment output, MemorySegment target, int batch, int width,
                                  MemorySegment gradOutput) {
        LossArguments.elements(NAME, output, target, batch, width, gradOutput);
        double total = 0;
        for (long row = 0; row < batch; row++) {
            long first = row * width;
            double max = rowMax(output, first, width);
            double sumExp = 0;
            double targetSum = 0;
            double targetDotGap = 0;
            for (long j = first; j < first + width; j++) {
                double x = output.getAtIndex(FLOAT, j);
                double t = target.getAtIndex(FLOAT, j);
                sumExp += Math.exp(x - max);
                targetSum += t;
                targetDotGap += t * (max - x);
            }
            // -sum t_j log softmax_j = sum t_j (lse - x_j) with lse - x_j = log(sumExp) + (max - x_j): no
            // cancellation between large logits.
            total += targetSum * Math.log(sumExp) + targetDotGap;
            if (gradOutput != null) {
                for (long j = first; j < first + width; j++) {
                    double softmax = Math.exp(output.getAtIndex(FLOAT, j) - max) / sumExp;
                    double t = target.getAtIndex(FLOAT, j);
                    gradOutput.setAtIndex(FLOAT, j, (float) ((softmax * targetSum - t) / batch));
                }
            }
        }
        return total / batch;
    }

    /**
     * The mean loss against class indices {@code labels[offset .. offset + batch)}, and its gradient into
     * {@code gradOutput} unless that is null; see {@link Loss#forwardBackward}.
     *
     * @throws IllegalArgumentException if batch or width is not positive, a segment is too small, the labels do
     *     not cover the batch or a label is outside [0, width)
     */
    public double forwardBackward(MemorySegment output, int[] labels, int offset, int batch, int width,
                                  MemorySegment gradOutput) {
        long elements = LossArguments.shape(NAME, batch, width);
        LossArguments.requireFloats(NAME, "output", output, elements);
        if (gradOutput != null) {
            LossArguments.requireFloats(NAME, "gradOutput", gradOutput, elements);
        }
        requireLabels(labels, offset, batch, width);
        // Each row is read into a heap array and handled by a method of its own: loops over a float[] compile
        // quickly, where the same loops over the native segment, nested in the loop over rows, cost C2 several
        // compilations of a tenth of a second inside the first timed epoch of training.
        float[] logits = ROW.get();
        if (logits.length < width) {
            logits = new float[width];
            ROW.set(logits);
        }
        double total = 0;
        for (int row = 0; row < batch; row++) {
            long offsetBytes = (long) row * width * Float.BYTES;
            MemorySegment.copy(output, FLOAT, offsetBytes, logits, 0, width);
            total += rowLoss(logits, width, labels[offset + row], gradOutput == null ? 0 : batch);
            if (gradOutput != null) MemorySegment.copy(logits, 0, gradOutput, FLOAT, offsetBytes, width);
        }
        return total / batch;
    }

    /**
     * The loss of the {@code width} logits of one row against {@code label}; when {@code batch} is positive,
     * replaces the logits by the row's gradient of the batch's mean loss.
     */
    private static double rowLoss(float[] logits, int width, int label, int batch) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < width; j++) max = Math.max(max, logits[j]);
        double sumExp = 0;
        for (int j = 0; j < width; j++) sumExp += Math.exp(logits[j] - max);
        double loss = Math.log(sumExp) + (max - logits[label]);
        if (batch > 0) {
            for (int j = 0; j < width; j++) {
                double softmax = Math.exp(logits[j] - max) / sumExp;
                double t = j == label ? 1 : 0;
                logits[j] = (float) ((softmax - t) / batch);
            }
        }
        return loss;
    }

    /**
     * The mean loss against class indices, without gradient; see
     * {@link #forwardBackward(MemorySegment, int[], int, int, int, MemorySegment)}.
     */
    public double forward(MemorySegment output, int[] labels, int offset, int batch, int width) {
        return forwardBackward(output, labels, offset, batch, width, null);
    }

    private static double rowMax(MemorySegment output, long first, int width) {
        double max = Double.NEGATIVE_INFINITY;
        for (long j = first; j < first + width; j++) {
            max = Math.max(max, output.getAtIndex(FLOAT, j));
        }
        return max;
    }

    private static void requireLabels(int[] labels, int offset, int batch, int width) {
        if (labels == null) {
            throw new NullPointerException("labels");
        }
        if (offset < 0 || offset > labels.length - batch) {
            throw new IllegalArgumentException(NAME + ": labels[" + offset + " .. " + ((long) offset + batch)
                    + ") is outside the " + labels.length + " labels given");
        }
        for (int row = 0; row < batch; row++) {
            int label = labels[offset + row];
            if (label < 0 || label >= width) {
                throw new IllegalArgumentException(NAME + ": labels[" + (offset + row) + "] = " + label
                        + " is not a class index in [0, " + width + ")");
            }
        }
    }
}
