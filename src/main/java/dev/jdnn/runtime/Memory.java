package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A oneDNN memory object over a segment that Java owns: oneDNN never allocates the data, so every
 * buffer's lifetime is the lifetime of the arena that holds it.
 */
public final class Memory {
    /** Alignment of every buffer jdnn allocates: a cache line, and what AVX-512 loads like best. */
    public static final long ALIGNMENT = 64;

    private final MemoryDesc desc;
    private final MemorySegment handle;
    private MemorySegment data;

    /** A memory with its own zeroed buffer of {@code desc.byteSize()} bytes, allocated in {@code owner}. */
    public Memory(MemoryDesc desc, Engine engine, Arena owner) {
        this(desc, engine, owner, owner.allocate(Math.max(desc.byteSize(), 1), ALIGNMENT));
    }

    /** A memory over {@code data}, which must hold at least {@code desc.byteSize()} bytes. */
    public Memory(MemoryDesc desc, Engine engine, Arena owner, MemorySegment data) {
        requireCapacity(desc, data);
        this.desc = desc;
        this.data = data;
        this.handle = Dnnl.create(owner, "dnnl_memory_create",
                slot -> dnnl_memory_create(slot, desc.handle(), engine.handle(), data),
                h -> dnnl_memory_destroy(h));
    }

    public MemoryDesc desc() {
        return desc;
    }

    public MemorySegment data() {
        return data;
    }

    /** Points this memory at another buffer of sufficient size (no copy). */
    public void setData(MemorySegment newData) {
        requireCapacity(desc, newData);
        Dnnl.check(dnnl_memory_set_data_handle(handle, newData), "dnnl_memory_set_data_handle");
        this.data = newData;
    }

    private static void requireCapacity(MemoryDesc desc, MemorySegment data) {
        if (data.byteSize() < desc.byteSize()) {
            throw new IllegalArgumentException("buffer of " + data.byteSize() + " bytes is smaller than the "
                    + desc.byteSize() + " bytes its memory descriptor needs");
        }
    }

    MemorySegment handle() {
        return handle;
    }
}
