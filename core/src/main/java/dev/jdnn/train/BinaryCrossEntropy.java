package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Sigmoid followed by binary cross-entropy, on logits, averaged over all {@code batch * width} elements (PyTorch's
 * BCEWithLogitsLoss). Per element, in the form that never overflows: {@code max(x, 0) - x t + log(1 + exp(-|x|))};
 * gradient {@code (sigmoid(x) - t) / (batch * width)}.
 */
public record BinaryCrossEntropy() implements Loss {
    static final String NAME = "binary-cross-entropy";
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double forwardBackward(MemorySegment output, MemorySegment target, int batch, int width,
                                  MemorySegment gradOutput) {
        long elements = LossArguments.elements(NAME, output, target, batch, width, gradOutput);
        double total = 0;
        for (long i = 0; i < elements; i++) {
            double x = output.getAtIndex(FLOAT, i);
            double t = target.getAtIndex(FLOAT, i);
            double e = Math.exp(-Math.abs(x)); // in (0, 1]: both the loss and the sigmoid are built from it
            total += Math.max(x, 0) - x * t + Math.log1p(e);
            if (gradOutput != null) {
                double sigmoid = x >= 0 ? 1 / (1 + e) : e / (1 + e);
                gradOutput.setAtIndex(FLOAT, i, (float) ((sigmoid - t) / elements));
            }
        }
        return total / elements;
    }
}
