package dev.jdnn.spark;

import dev.jdnn.SimpleCNN;
import java.io.Serializable;

/**
 * Builds the model each worker of {@link SparkTrainer} trains: a serializable recipe (typically a lambda calling
 * {@code SimpleCNN.builder()}), shipped with the tasks and called once per worker. Every call must build the same
 * configuration, seed included, so that the workers start from the same weights.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    /** A new, unfitted model. */
    SimpleCNN build();
}
