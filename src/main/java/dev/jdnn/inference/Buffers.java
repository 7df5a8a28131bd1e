package dev.jdnn.inference;

import dev.jdnn.runtime.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A predictor's working memory, shared by its plans for every batch size (a predictor runs one plan at
 * a time): the input images, two activation buffers that consecutive steps alternate between, and one
 * scratchpad for all primitives. A buffer only grows while a plan is built; plans built earlier keep
 * the smaller buffer they were given, which stays alive with the predictor.
 */
final class Buffers {
    enum Slot { INPUT, PING, PONG }

    private final Arena owner;
    private final int maxBatch;
    private final MemorySegment[] activations = new MemorySegment[Slot.values().length];
    private MemorySegment scratchpad;

    Buffers(Arena owner, int maxBatch) {
        this.owner = owner;
        this.maxBatch = maxBatch;
    }

    /**
     * At least {@code bytes} in {@code slot} for a plan of {@code batch} images. Activations grow
     * linearly with the batch, so a buffer that must grow is sized for the largest batch at once.
     */
    MemorySegment activations(Slot slot, long bytes, int batch) {
        MemorySegment current = activations[slot.ordinal()];
        if (current == null || current.byteSize() < bytes) {
            long perImage = (bytes + batch - 1) / batch;
            current = owner.allocate(Math.max(bytes, perImage * maxBatch), Memory.ALIGNMENT);
            activations[slot.ordinal()] = current;
        }
        return current;
    }

    /** At least {@code bytes} of scratchpad; it grows geometrically, as its size does not follow the batch. */
    MemorySegment scratchpad(long bytes) {
        if (scratchpad == null || scratchpad.byteSize() < bytes) {
            long size = scratchpad == null ? bytes : Math.max(bytes, 2 * scratchpad.byteSize());
            scratchpad = owner.allocate(size, Memory.ALIGNMENT);
        }
        return scratchpad;
    }
}
