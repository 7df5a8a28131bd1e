package dev.jdnn.train;

import dev.jdnn.layers.Network;
import dev.jdnn.layers.ParameterBlock;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A copy of the parameters (plain) and running statistics of the best epoch, for early stopping to restore. */
final class BestWeights {
    private final Network network;
    private final Arena arena;
    private MemorySegment values;
    private MemorySegment state;

    /**
     * Copies {@code network}'s parameters into memory of {@code arena} (allocated at the first save or load), which
     * the caller closes.
     */
    BestWeights(Network network, Arena arena) {
        this.network = network;
        this.arena = arena;
    }

    void save() {
        ParameterBlock block = network.parameters();
        allocate(block);
        values.copyFrom(block.values());
        state.copyFrom(block.state());
    }

    /** The saved trainable values, or null before the first {@link #save()}. */
    MemorySegment values() {
        return values;
    }

    /** The saved running statistics, or null before the first {@link #save()}. */
    MemorySegment state() {
        return state;
    }

    /** Takes a copy saved earlier (by a checkpoint), as if {@link #save()} had been called then. */
    void load(MemorySegment savedValues, MemorySegment savedState) {
        ParameterBlock block = network.parameters();
        if (savedValues.byteSize() != block.values().byteSize() || savedState.byteSize() != block.state().byteSize()) {
            throw new IllegalArgumentException("the best epoch's copy has " + savedValues.byteSize() + " + "
                    + savedState.byteSize() + " bytes, the network " + block.values().byteSize() + " + "
                    + block.state().byteSize());
        }
        allocate(block);
        values.copyFrom(savedValues);
        state.copyFrom(savedState);
    }

    private void allocate(ParameterBlock block) {
        if (values != null) return;
        values = arena.allocate(block.values().byteSize(), 64);
        state = arena.allocate(block.state().byteSize(), 64);
    }

    void restore() {
        if (values == null) return;
        ParameterBlock block = network.parameters();
        block.values().copyFrom(values);
        block.state().copyFrom(state);
    }
}
