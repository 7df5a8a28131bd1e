package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Locale;

/**
 * A training loss over a batch of network outputs (logits for the classification losses) against targets, both
 * {@code batch x width} row-major float32 blocks in native byte order. Values are accumulated in double. The
 * reductions are PyTorch's defaults: CrossEntropyLoss averages over the batch rows, BCEWithLogitsLoss and MSELoss
 * over all elements.
 */
public sealed interface Loss permits CrossEntropy, BinaryCrossEntropy, MeanSquaredError {

    /** The names {@link #byName} accepts. */
    List<String> NAMES = List.of("cross-entropy", "binary-cross-entropy", "mse");

    /** The loss's name, one of {@link #NAMES}. */
    String name();

    /**
     * The mean loss, and, when {@code gradOutput} is not null, its gradient with respect to {@code output} written
     * into the first {@code batch * width} floats of {@code gradOutput}. The segments may be larger than the batch
     * (buffers sized for a full batch serve the last, shorter one); {@code gradOutput} may be {@code output}
     * itself, since each row's gradient is written after that row is read.
     *
     * @throws IllegalArgumentException if batch or width is not positive or a segment is too small
     */
    double forwardBackward(MemorySegment output, MemorySegment target, int batch, int width, MemorySegment gradOutput);

    /** The mean loss alone; see {@link #forwardBackward}. */
    default double forward(MemorySegment output, MemorySegment target, int batch, int width) {
        return forwardBackward(output, target, batch, width, null);
    }

    /**
     * The loss called {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the unknown name and the allowed ones
     */
    static Loss byName(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "cross-entropy" -> new CrossEntropy();
            case "binary-cross-entropy" -> new BinaryCrossEntropy();
            case "mse" -> new MeanSquaredError();
            default -> throw new IllegalArgumentException(
                    "unknown loss '" + name + "'; allowed: " + String.join(", ", NAMES));
        };
    }
}
