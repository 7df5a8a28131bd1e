package dev.jdnn.runtime;

import dev.jdnn.internal.ffi.dnnl_exec_arg_t;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The native argument array of one primitive execution, built once and reused for every step. The first
 * execution with a primitive checks each memory against the descriptor the primitive expects for it (a smaller
 * memory would let oneDNN write past its buffer); every execution checks that the memories are still alive.
 */
public final class ExecArgs {
    private final MemorySegment array;
    private final int count;
    private final Arg[] args;
    private final Memory[] memories;
    private final Set<Arg> bound = EnumSet.noneOf(Arg.class);
    private int filled;
    /** The primitive these arguments were last checked against; a benign race at worst checks twice. */
    private Primitive checkedFor;

    /**
     * Room for {@code count} arguments.
     *
     * @throws IllegalArgumentException unless 1 &lt;= count &lt;= the number of argument kinds (each is bound once)
     */
    public ExecArgs(Arena owner, int count) {
        if (count < 1 || count > Arg.values().length) {
            throw new IllegalArgumentException("a primitive takes 1.." + Arg.values().length + " arguments, got "
                    + count);
        }
        this.array = dnnl_exec_arg_t.allocateArray(count, owner);
        this.count = count;
        this.args = new Arg[count];
        this.memories = new Memory[count];
    }

    /** Binds the next slot; each argument kind at most once. Returns this for chaining. */
    public ExecArgs bind(Arg arg, Memory memory) {
        Objects.requireNonNull(arg, "arg");
        Objects.requireNonNull(memory, "memory");
        if (filled == count) throw new IllegalStateException("all " + count + " argument slots are bound");
        if (!bound.add(arg)) throw new IllegalStateException("argument " + arg + " is already bound");
        MemorySegment slot = dnnl_exec_arg_t.asSlice(array, filled);
        dnnl_exec_arg_t.arg(slot, arg.code());
        dnnl_exec_arg_t.memory(slot, memory.handle());
        args[filled] = arg;
        memories[filled] = memory;
        filled++;
        return this;
    }

    /** Throws unless every slot is bound, each memory fits {@code primitive} and all of them are alive. */
    void requireUsableBy(Primitive primitive) {
        if (filled != count) throw new IllegalStateException(filled + " of " + count + " argument slots are bound");
        if (checkedFor != primitive) {
            for (int i = 0; i < count; i++) primitive.requireFits(args[i], memories[i]);
            checkedFor = primitive;
        }
        for (int i = 0; i < count; i++) memories[i].requireAlive(args[i]);
    }

    int count() {
        return count;
    }

    MemorySegment segment() {
        return array;
    }
}
