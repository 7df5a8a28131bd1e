package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** An in-order oneDNN stream on the CPU engine, owned by {@code owner}. Use it from one thread at a time. */
public final class Stream {
    private final MemorySegment handle;

    public Stream(Engine engine, Arena owner) {
        this.handle = Dnnl.create(owner, "dnnl_stream_create",
                slot -> dnnl_stream_create(slot, engine.handle(), dnnl_stream_default_flags),
                h -> dnnl_stream_destroy(h));
    }

    /** Blocks until every primitive submitted to this stream has finished. */
    public void waitAll() {
        Dnnl.check(dnnl_stream_wait(handle), "dnnl_stream_wait");
    }

    MemorySegment handle() {
        return handle;
    }
}
