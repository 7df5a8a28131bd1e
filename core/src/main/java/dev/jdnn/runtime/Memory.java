package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

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
        this(desc, engine, owner,
                owner.allocate(Math.max(Objects.requireNonNull(desc, "desc").byteSize(), 1), ALIGNMENT));
    }

    /**
     * A memory over {@code data}: oneDNN reads and writes it for as long as this memory is bound to a primitive,
     * so it must be native, writable and hold at least {@code desc.byteSize()} bytes, and its arena must stay
     * open (each execution checks that it is).
     *
     * @throws IllegalArgumentException if data is on the heap, read-only or too small
     * @throws IllegalStateException if data's arena is closed
     */
    public Memory(MemoryDesc desc, Engine engine, Arena owner, MemorySegment data) {
        Objects.requireNonNull(desc, "desc");
        Objects.requireNonNull(engine, "engine");
        requireUsable(desc, data);
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

    /** Points this memory at another buffer (no copy), which must be usable as the constructor's is. */
    public void setData(MemorySegment newData) {
        requireUsable(desc, newData);
        Dnnl.check(dnnl_memory_set_data_handle(handle, newData), "dnnl_memory_set_data_handle");
        this.data = newData;
    }

    private static void requireUsable(MemoryDesc desc, MemorySegment data) {
        Objects.requireNonNull(data, "data");
        if (!data.isNative()) {
            throw new IllegalArgumentException("oneDNN needs a native buffer; got a heap segment of " + data.byteSize()
                    + " bytes");
        }
        if (data.isReadOnly()) throw new IllegalArgumentException("oneDNN may write the buffer; got a read-only one");
        if (!data.scope().isAlive()) throw new IllegalStateException("the buffer's arena is closed");
        if (data.byteSize() < desc.byteSize()) {
            throw new IllegalArgumentException("buffer of " + data.byteSize() + " bytes is smaller than the "
                    + desc.byteSize() + " bytes its memory descriptor needs");
        }
    }

    /**
     * Throws unless both this memory and its buffer are still alive: a primitive bound to a freed memory would
     * read and write freed native memory.
     */
    void requireAlive(Arg boundAs) {
        if (!handle.scope().isAlive()) {
            throw new IllegalStateException("the memory bound as " + boundAs + " is freed: its arena is closed");
        }
        if (!data.scope().isAlive()) {
            throw new IllegalStateException("the buffer of the memory bound as " + boundAs
                    + " is freed: its arena is closed");
        }
    }

    MemorySegment handle() {
        return handle;
    }
}
