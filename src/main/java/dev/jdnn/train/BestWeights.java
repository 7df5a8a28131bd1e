package dev.jdnn.train;

import dev.jdnn.layers.ParameterBlock;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A copy of the parameters and running statistics of the best epoch, for early stopping to restore. */
final class BestWeights {
    private final ParameterBlock block;
    private MemorySegment values;
    private MemorySegment state;

    BestWeights(ParameterBlock block) {
        this.block = block;
    }

    void save() {
        if (values == null) {
            Arena arena = Arena.ofAuto();
            values = arena.allocate(block.values().byteSize(), 64);
            state = arena.allocate(block.state().byteSize(), 64);
        }
        values.copyFrom(block.values());
        state.copyFrom(block.state());
    }

    void restore() {
        if (values == null) return;
        block.values().copyFrom(values);
        block.state().copyFrom(state);
    }
}
