package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A oneDNN primitive descriptor: the implementation oneDNN chose, and the layouts it wants. */
public final class PrimitiveDesc {
    private final MemorySegment handle;
    private final Arena owner;

    PrimitiveDesc(MemorySegment handle, Arena owner) {
        this.handle = handle;
        this.owner = owner;
    }

    /**
     * The descriptor of one of its memories (index 1 for the second weights, i.e. the bias), or null if absent
     * (oneDNN answers an absent memory, or an index out of range, with no descriptor or a zero one).
     */
    public MemoryDesc query(Query what, int index) {
        MemorySegment md = dnnl_primitive_desc_query_md(handle, what.code(), index);
        return md.equals(MemorySegment.NULL) || MemoryDesc.ndims(md) == 0 ? null : MemoryDesc.copyOf(owner, md);
    }

    public MemoryDesc query(Query what) {
        return query(what, 0);
    }

    /** The name of the implementation oneDNN picked, e.g. {@code brg_conv_fwd:avx512_core}. */
    public String implementation() {
        return implementation(handle);
    }

    static String implementation(MemorySegment pd) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment slot = scratch.allocate(ValueLayout.ADDRESS);
            Dnnl.check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, slot), "dnnl_primitive_desc_query");
            return slot.get(ValueLayout.ADDRESS, 0).reinterpret(Integer.MAX_VALUE).getString(0);
        }
    }

    /**
     * Moves this descriptor to the next implementation oneDNN offers for the same operation (its layouts may
     * differ: query them again). Returns false, leaving the descriptor as it was, when there is none.
     */
    public boolean nextImplementation() {
        int status = dnnl_primitive_desc_next_impl(handle);
        if (status == dnnl_last_impl_reached) return false;
        Dnnl.check(status, "dnnl_primitive_desc_next_impl");
        return true;
    }

    MemorySegment handle() {
        return handle;
    }

    Arena owner() {
        return owner;
    }
}
