package dev.jdnn.train;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The state of one {@link Optimizer} bound to a flat parameter block of float32 values: the state buffers mirror
 * the parameters element by element, so a step is one loop over the block. Not thread-safe.
 */
public interface Updater {

    /**
     * Applies one update to all parameters in place from their gradients. Both segments hold exactly the bound
     * parameter count of float32 values in native byte order. Allocates nothing.
     *
     * @throws IllegalArgumentException if a segment has another size
     */
    void step(MemorySegment params, MemorySegment grads);

    /** The number of steps taken so far (Adam's t), including the count set by {@link #restore}. */
    long steps();

    /**
     * The state buffers, each as many float32 values as parameters, in a fixed order per rule; empty for plain SGD.
     * Checkpoints read them and write them back directly.
     */
    List<MemorySegment> state();

    /**
     * Sets the step counter when resuming from a checkpoint, after the state buffers have been written.
     *
     * @throws IllegalArgumentException if steps is negative
     */
    void restore(long steps);
}
