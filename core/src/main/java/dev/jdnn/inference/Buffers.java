package dev.jdnn.inference;

import dev.jdnn.runtime.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A predictor lane's working memory, shared by its plans for every batch size (a lane runs one plan at
 * a time): the input images, one scratchpad for all primitives, and the activation buffers that a plan's values
 * share by liveness (a chain alternates between two of them). A buffer only grows while a plan is built, at least doubling, so a lane
 * that meets batch sizes in increasing order holds at most twice the memory of its largest plan; plans
 * built earlier keep the smaller buffer they were given, which stays alive with the lane. Nothing is
 * sized for the largest batch in advance: allocating (and zeroing) it would slow the first prediction.
 */
final class Buffers {
    /** The slot of the images, of the scratchpad, and the first of the activations. */
    static final int INPUT = 0;
    static final int SCRATCHPAD = 1;
    static final int FIRST_ACTIVATION = 2;

    private final Arena owner;
    private final List<MemorySegment> slots = new ArrayList<>();

    Buffers(Arena owner) {
        this.owner = owner;
    }

    /** At least {@code bytes} in {@code slot}. */
    MemorySegment segment(int slot, long bytes) {
        while (slots.size() <= slot) slots.add(null);
        MemorySegment current = slots.get(slot);
        if (current == null || current.byteSize() < bytes) {
            long size = current == null ? bytes : Math.max(bytes, 2 * current.byteSize());
            current = owner.allocate(Math.max(size, 1), Memory.ALIGNMENT);
            slots.set(slot, current);
        }
        return current;
    }

    /** How many activation buffers the plans use so far. */
    int activationSlots() {
        return Math.max(slots.size() - FIRST_ACTIVATION, 0);
    }
}
