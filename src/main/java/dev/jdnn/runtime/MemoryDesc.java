package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** A oneDNN memory descriptor: dims, data type and layout. Owned by the arena it was created in. */
public final class MemoryDesc {
    /** oneDNN's DNNL_MAX_NDIMS: descriptors have at most this many dimensions. */
    public static final int MAX_DIMS = DNNL_MAX_NDIMS;

    private final MemorySegment handle;

    private MemoryDesc(MemorySegment handle) {
        this.handle = handle;
    }

    /** A descriptor of {@code dims} in layout {@code tag}; every dimension must be positive. */
    public static MemoryDesc of(Arena owner, DataType type, FormatTag tag, long... dims) {
        if (dims.length < 1 || dims.length > MAX_DIMS) {
            throw new IllegalArgumentException("a memory descriptor has 1.." + MAX_DIMS + " dims, got " + dims.length);
        }
        for (long d : dims) {
            if (d <= 0) throw new IllegalArgumentException("dims must be positive, got " + Arrays.toString(dims));
        }
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment nativeDims = scratch.allocateFrom(ValueLayout.JAVA_LONG, dims);
            return new MemoryDesc(Dnnl.create(owner, "dnnl_memory_desc_create_with_tag",
                    slot -> dnnl_memory_desc_create_with_tag(slot, dims.length, nativeDims, type.code(), tag.code()),
                    h -> dnnl_memory_desc_destroy(h)));
        }
    }

    /** Takes a copy, owned by {@code owner}, of a descriptor that belongs to oneDNN (e.g. a query result). */
    static MemoryDesc copyOf(Arena owner, MemorySegment borrowed) {
        return new MemoryDesc(Dnnl.create(owner, "dnnl_memory_desc_clone",
                slot -> dnnl_memory_desc_clone(slot, borrowed), h -> dnnl_memory_desc_destroy(h)));
    }

    /** A copy of this descriptor owned by {@code owner}, to outlive the arena that owns this one. */
    public MemoryDesc copy(Arena owner) {
        return copyOf(owner, handle);
    }

    /** The same memory seen with other dims (e.g. N x C x H x W as N x CHW); no data moves. */
    public MemoryDesc reshape(Arena owner, long... dims) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment nativeDims = scratch.allocateFrom(ValueLayout.JAVA_LONG, dims);
            return new MemoryDesc(Dnnl.create(owner, "dnnl_memory_desc_reshape",
                    slot -> dnnl_memory_desc_reshape(slot, handle, dims.length, nativeDims),
                    h -> dnnl_memory_desc_destroy(h)));
        }
    }

    /** Bytes the memory needs in this layout (blocked layouts may pad). */
    public long byteSize() {
        return dnnl_memory_desc_get_size(handle);
    }

    public long[] dims() {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment n = scratch.allocate(ValueLayout.JAVA_INT);
            Dnnl.check(dnnl_memory_desc_query(handle, dnnl_query_ndims_s32, n), "dnnl_memory_desc_query(ndims)");
            MemorySegment pointer = scratch.allocate(ValueLayout.ADDRESS);
            Dnnl.check(dnnl_memory_desc_query(handle, dnnl_query_dims, pointer), "dnnl_memory_desc_query(dims)");
            int ndims = n.get(ValueLayout.JAVA_INT, 0);
            return pointer.get(ValueLayout.ADDRESS, 0).reinterpret(8L * ndims).toArray(ValueLayout.JAVA_LONG);
        }
    }

    public DataType dataType() {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment type = scratch.allocate(ValueLayout.JAVA_INT);
            Dnnl.check(dnnl_memory_desc_query(handle, dnnl_query_data_type, type), "dnnl_memory_desc_query(data_type)");
            return DataType.of(type.get(ValueLayout.JAVA_INT, 0));
        }
    }

    /** True when both describe the same dims, type and layout, so no reorder is needed between them. */
    public boolean sameAs(MemoryDesc other) {
        return dnnl_memory_desc_equal(handle, other.handle) != 0;
    }

    MemorySegment handle() {
        return handle;
    }
}
