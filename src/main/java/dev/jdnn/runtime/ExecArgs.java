package dev.jdnn.runtime;

import dev.jdnn.internal.ffi.dnnl_exec_arg_t;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/** The native argument array of one primitive execution, built once and reused for every step. */
public final class ExecArgs {
    private final MemorySegment array;
    private final int count;
    private final Set<Arg> bound = EnumSet.noneOf(Arg.class);
    private int filled;

    public ExecArgs(Arena owner, int count) {
        this.array = dnnl_exec_arg_t.allocateArray(count, owner);
        this.count = count;
    }

    /** Binds the next slot; each argument kind at most once. Returns this for chaining. */
    public ExecArgs bind(Arg arg, Memory memory) {
        if (filled == count) throw new IllegalStateException("all " + count + " argument slots are bound");
        if (!bound.add(arg)) throw new IllegalStateException("argument " + arg + " is already bound");
        MemorySegment slot = dnnl_exec_arg_t.asSlice(array, filled++);
        dnnl_exec_arg_t.arg(slot, arg.code());
        dnnl_exec_arg_t.memory(slot, memory.handle());
        return this;
    }

    int count() {
        if (filled != count) throw new IllegalStateException(filled + " of " + count + " argument slots are bound");
        return count;
    }

    MemorySegment segment() {
        return array;
    }
}
