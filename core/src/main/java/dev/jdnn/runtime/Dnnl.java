package dev.jdnn.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/** The one choke point for oneDNN status codes, and the one place where handles get their owner. */
final class Dnnl {
    private Dnnl() {}

    /** Throws {@link DnnlException} naming {@code call} unless {@code status} is success. */
    static void check(int status, String call) {
        if (status != Status.SUCCESS.code()) {
            throw new DnnlException(Status.of(status), status, call);
        }
    }

    /**
     * Calls a oneDNN creator that writes a handle through its first argument, checks its status, and
     * registers {@code destroy} to run when {@code owner} closes: each handle is owned from its creation.
     */
    static MemorySegment create(Arena owner, String call, ToIntFunction<MemorySegment> creator,
                                Consumer<MemorySegment> destroy) {
        // Checked before the call: a handle created for a closed owner could never be destroyed.
        if (!owner.scope().isAlive()) {
            throw new IllegalStateException("the arena that would own the result of " + call + " is closed");
        }
        MemorySegment handle;
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment slot = scratch.allocate(ValueLayout.ADDRESS);
            check(creator.applyAsInt(slot), call);
            handle = slot.get(ValueLayout.ADDRESS, 0);
        }
        return handle.reinterpret(owner, destroy);
    }
}
