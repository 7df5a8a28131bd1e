package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A compiled oneDNN primitive. Executing it allocates nothing: its arguments are bound once in {@link ExecArgs}. */
public final class Primitive {
    private final MemorySegment handle;
    private final PrimitiveDesc desc;
    /** The primitive's own descriptor (owned by the primitive, so it lives as long as the primitive does). */
    private final MemorySegment ownDesc;

    public Primitive(PrimitiveDesc desc, Arena owner) {
        this.desc = desc;
        this.handle = Dnnl.create(owner, "dnnl_primitive_create",
                slot -> dnnl_primitive_create(slot, desc.handle()), h -> dnnl_primitive_destroy(h));
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment slot = scratch.allocate(ValueLayout.ADDRESS);
            Dnnl.check(dnnl_primitive_get_primitive_desc(handle, slot), "dnnl_primitive_get_primitive_desc");
            this.ownDesc = slot.get(ValueLayout.ADDRESS, 0).reinterpret(owner, null);
        }
    }

    public PrimitiveDesc desc() {
        return desc;
    }

    /**
     * Runs the primitive on {@code stream} with {@code args}.
     *
     * @throws IllegalArgumentException on the first execution with these arguments, if a memory's descriptor is
     *     not the one the primitive expects for its argument, or the primitive takes no such argument
     * @throws IllegalStateException if a bound memory, its buffer, the stream or this primitive is freed
     */
    public void execute(Stream stream, ExecArgs args) {
        args.requireUsableBy(this);
        int status = dnnl_primitive_execute(handle, stream.handle(), args.count(), args.segment());
        if (status != 0) Dnnl.check(status, "dnnl_primitive_execute");
    }

    /** Throws unless {@code memory} has exactly the descriptor this primitive expects for {@code arg}. */
    void requireFits(Arg arg, Memory memory) {
        MemorySegment expected = dnnl_primitive_desc_query_md(ownDesc, dnnl_query_exec_arg_md, arg.code());
        if (expected.equals(MemorySegment.NULL) || MemoryDesc.ndims(expected) == 0) {
            throw new IllegalArgumentException(implementation() + " takes no " + arg + " argument");
        }
        if (dnnl_memory_desc_equal(expected, memory.desc().handle()) == 0) {
            throw new IllegalArgumentException("argument " + arg + " of " + implementation() + " must be a memory of "
                    + MemoryDesc.describe(expected) + ", got one of " + memory.desc());
        }
    }

    private String implementation() {
        return PrimitiveDesc.implementation(ownDesc);
    }
}
