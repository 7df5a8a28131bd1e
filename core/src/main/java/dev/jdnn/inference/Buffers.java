package dev.jdnn.inference;

import dev.jdnn.runtime.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A predictor lane's working memory, shared by its plans for every batch size (a lane runs one plan at
 * a time): the input images, two activation buffers that consecutive steps alternate between, and one
 * scratchpad for all primitives. A buffer only grows while a plan is built, at least doubling, so a lane
 * that meets batch sizes in increasing order holds at most twice the memory of its largest plan; plans
 * built earlier keep the smaller buffer they were given, which stays alive with the lane. Nothing is
 * sized for the largest batch in advance: allocating (and zeroing) it would slow the first prediction.
 */
final class Buffers {
    enum Slot { INPUT, PING, PONG, SCRATCHPAD }

    private final Arena owner;
    private final MemorySegment[] slots = new MemorySegment[Slot.values().length];

    Buffers(Arena owner) {
        this.owner = owner;
    }

    /** At least {@code bytes} in {@code slot}. */
    MemorySegment segment(Slot slot, long bytes) {
        MemorySegment current = slots[slot.ordinal()];
        if (current == null || current.byteSize() < bytes) {
            long size = current == null ? bytes : Math.max(bytes, 2 * current.byteSize());
            current = owner.allocate(Math.max(size, 1), Memory.ALIGNMENT);
            slots[slot.ordinal()] = current;
        }
        return current;
    }
}
