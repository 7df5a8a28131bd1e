package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Primitive attributes. jdnn always asks for a user-managed scratchpad: each primitive's scratch memory
 * is a buffer Java allocated once, so executions allocate nothing and contexts on different threads
 * never share oneDNN's internal scratch space.
 */
public final class PrimitiveAttr {
    private final MemorySegment handle;
    private final Arena owner;
    private MemorySegment postOps = MemorySegment.NULL;

    public PrimitiveAttr(Arena owner) {
        this.owner = owner;
        this.handle = Dnnl.create(owner, "dnnl_primitive_attr_create", slot -> dnnl_primitive_attr_create(slot),
                h -> dnnl_primitive_attr_destroy(h));
        Dnnl.check(dnnl_primitive_attr_set_scratchpad_mode(handle, dnnl_scratchpad_mode_user),
                "dnnl_primitive_attr_set_scratchpad_mode");
    }

    /** Appends an element-wise post-op dst = alg(dst; alpha, beta) and returns this. */
    public PrimitiveAttr eltwise(Algorithm algorithm, float alpha, float beta) {
        Dnnl.check(dnnl_post_ops_append_eltwise(postOps(), algorithm.code(), alpha, beta), "dnnl_post_ops_append_eltwise");
        Dnnl.check(dnnl_primitive_attr_set_post_ops(handle, postOps), "dnnl_primitive_attr_set_post_ops");
        return this;
    }

    /**
     * Appends a sum post-op, dst = dst + (what dst held before the primitive ran), and returns this: the caller puts
     * the other addend into the destination buffer first.
     */
    public PrimitiveAttr sum() {
        Dnnl.check(dnnl_post_ops_append_sum(postOps(), 1f, 0, dnnl_data_type_undef), "dnnl_post_ops_append_sum");
        Dnnl.check(dnnl_primitive_attr_set_post_ops(handle, postOps), "dnnl_primitive_attr_set_post_ops");
        return this;
    }

    private MemorySegment postOps() {
        if (postOps.equals(MemorySegment.NULL)) {
            postOps = Dnnl.create(owner, "dnnl_post_ops_create", slot -> dnnl_post_ops_create(slot),
                    h -> dnnl_post_ops_destroy(h));
        }
        return postOps;
    }

    /** Allows bf16 internal arithmetic for f32 primitives (opt-in reduced precision). */
    public PrimitiveAttr allowBf16Math() {
        Dnnl.check(dnnl_primitive_attr_set_fpmath_mode(handle, dnnl_fpmath_mode_bf16), "dnnl_primitive_attr_set_fpmath_mode");
        return this;
    }

    MemorySegment handle() {
        return handle;
    }
}
