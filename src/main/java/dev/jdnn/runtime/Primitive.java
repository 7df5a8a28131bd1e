package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A compiled oneDNN primitive. Executing it allocates nothing: its arguments are bound once in {@link ExecArgs}. */
public final class Primitive {
    private final MemorySegment handle;
    private final PrimitiveDesc desc;

    public Primitive(PrimitiveDesc desc, Arena owner) {
        this.desc = desc;
        this.handle = Dnnl.create(owner, "dnnl_primitive_create",
                slot -> dnnl_primitive_create(slot, desc.handle()), h -> dnnl_primitive_destroy(h));
    }

    public PrimitiveDesc desc() {
        return desc;
    }

    public void execute(Stream stream, ExecArgs args) {
        int status = dnnl_primitive_execute(handle, stream.handle(), args.count(), args.segment());
        if (status != 0) Dnnl.check(status, "dnnl_primitive_execute");
    }
}
