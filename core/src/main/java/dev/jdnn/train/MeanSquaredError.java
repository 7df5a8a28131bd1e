package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Squared error averaged over all {@code batch * width} elements (PyTorch's MSELoss):
 * {@code mean((x - t)^2)}, gradient {@code 2 (x - t) / (batch * width)}.
 */
public record MeanSquaredError() implements Loss {
    static final String NAME = "mse";
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
            double diff = (double) output.getAtIndex(FLOAT, i) - target.getAtIndex(FLOAT, i);
            total += diff * diff;
            if (gradOutput != null) {
                gradOutput.setAtIndex(FLOAT, i, (float) (2 * diff / elements));
            }
        }
        return total / elements;
    }
}
