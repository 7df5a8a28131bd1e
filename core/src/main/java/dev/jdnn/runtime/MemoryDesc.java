package dev.jdnn.runtime;

import static dev.jdnn.internal.ffi.dnnl_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/** A oneDNN memory descriptor: dims, data type and layout. Owned by the arena it was created in. */
public final class MemoryDesc {
    /** oneDNN's DNNL_MAX_NDIMS: descriptors have at most this many dimensions. */
    public static final int MAX_DIMS = DNNL_MAX_NDIMS;
    /**
     * The most bytes a descriptor may describe before layout padding: 2^48 (256 TiB), more than any machine holds.
     * oneDNN computes a descriptor's size in 64 bits without an overflow check (2^61 floats came back as -2^63
     * bytes, and as 0 for format any), and a blocked layout pads one or two dimensions to multiples of 16 or
     * 64; below this bound no padded size can overflow, so every buffer sized from a descriptor is big enough.
     */
    public static final long MAX_BYTES = 1L << 48;

    private final MemorySegment handle;

    private MemoryDesc(MemorySegment handle) {
        this.handle = handle;
    }

    /**
     * A descriptor of {@code dims} in layout {@code tag}.
     *
     * @throws IllegalArgumentException unless there are 1 to {@link #MAX_DIMS} dims, each positive, describing at
     *     most {@link #MAX_BYTES} bytes
     */
    public static MemoryDesc of(Arena owner, DataType type, FormatTag tag, long... dims) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tag, "tag");
        requireDims(dims, type);
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment nativeDims = scratch.allocateFrom(ValueLayout.JAVA_LONG, dims);
            return new MemoryDesc(Dnnl.create(owner, "dnnl_memory_desc_create_with_tag",
                    slot -> dnnl_memory_desc_create_with_tag(slot, dims.length, nativeDims, type.code(), tag.code()),
                    h -> dnnl_memory_desc_destroy(h)));
        }
    }

    /** The number of elements of {@code dims} after checking them as {@link #of} does. */
    private static long requireDims(long[] dims, DataType type) {
        Objects.requireNonNull(dims, "dims");
        if (dims.length < 1 || dims.length > MAX_DIMS) {
            throw new IllegalArgumentException("a memory descriptor has 1.." + MAX_DIMS + " dims, got " + dims.length);
        }
        long elements = 1;
        for (long d : dims) {
            if (d <= 0) throw new IllegalArgumentException("dims must be positive, got " + Arrays.toString(dims));
            if (elements > MAX_BYTES / type.byteSize() / d) {
                throw new IllegalArgumentException("dims " + Arrays.toString(dims) + " of " + type
                        + " describe more than 2^48 bytes (MemoryDesc.MAX_BYTES)");
            }
            elements *= d;
        }
        return elements;
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

    /**
     * The same memory seen with other dims (e.g. N x C x H x W as N x CHW); no data moves.
     *
     * @throws IllegalArgumentException unless {@code dims} are 1 to {@link #MAX_DIMS} positive dims with as many
     *     elements as this descriptor's
     */
    public MemoryDesc reshape(Arena owner, long... dims) {
        long[] current = dims();
        long elements = requireDims(dims, dataType());
        if (elements != Arrays.stream(current).reduce(1, Math::multiplyExact)) {
            throw new IllegalArgumentException("a reshape keeps the number of elements: " + Arrays.toString(current)
                    + " cannot become " + Arrays.toString(dims));
        }
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment nativeDims = scratch.allocateFrom(ValueLayout.JAVA_LONG, dims);
            return new MemoryDesc(Dnnl.create(owner, "dnnl_memory_desc_reshape",
                    slot -> dnnl_memory_desc_reshape(slot, handle, dims.length, nativeDims),
                    h -> dnnl_memory_desc_destroy(h)));
        }
    }

    /**
     * The part of this memory of {@code dims} starting at {@code offsets} (e.g. channels 16..23 of N x 32 x H x W),
     * seen in place: a memory with the returned descriptor over the same buffer reads and writes only that part.
     *
     * @throws IllegalArgumentException unless dims and offsets have one entry per dim of this descriptor, each dim
     *     positive, each offset at least 0, and the part lies inside this descriptor's dims
     * @throws DnnlException if the layout cannot show that part on its own (a blocked layout cut inside a block)
     */
    public MemoryDesc submemory(Arena owner, long[] dims, long[] offsets) {
        Objects.requireNonNull(dims, "dims");
        Objects.requireNonNull(offsets, "offsets");
        long[] parent = dims();
        if (dims.length != parent.length || offsets.length != parent.length) {
            throw new IllegalArgumentException("a submemory of " + Arrays.toString(parent) + " needs " + parent.length
                    + " dims and offsets, got dims " + Arrays.toString(dims) + " and offsets "
                    + Arrays.toString(offsets));
        }
        for (int d = 0; d < parent.length; d++) {
            if (dims[d] < 1 || offsets[d] < 0 || offsets[d] > parent[d] - dims[d]) {
                throw new IllegalArgumentException("a submemory of " + Arrays.toString(parent) + " needs positive"
                        + " dims and offsets >= 0 with offset + dim inside each parent dim, got dims "
                        + Arrays.toString(dims) + " at offsets " + Arrays.toString(offsets));
            }
        }
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment nativeDims = scratch.allocateFrom(ValueLayout.JAVA_LONG, dims);
            MemorySegment nativeOffsets = scratch.allocateFrom(ValueLayout.JAVA_LONG, offsets);
            return new MemoryDesc(Dnnl.create(owner, "dnnl_memory_desc_create_submemory",
                    slot -> dnnl_memory_desc_create_submemory(slot, handle, nativeDims, nativeOffsets),
                    h -> dnnl_memory_desc_destroy(h)));
        }
    }

    /** Bytes the memory needs in this layout (blocked layouts may pad). */
    public long byteSize() {
        return dnnl_memory_desc_get_size(handle);
    }

    public long[] dims() {
        return dims(handle);
    }

    public DataType dataType() {
        return DataType.of(typeCode(handle));
    }

    /** True when both describe the same dims, type and layout, so no reorder is needed between them. */
    public boolean sameAs(MemoryDesc other) {
        return dnnl_memory_desc_equal(handle, other.handle) != 0;
    }

    /** The dims, type and size, e.g. {@code [2, 3] f32 (24 bytes)}, for messages. */
    @Override
    public String toString() {
        return describe(handle);
    }

    /** Dims, type and size of a descriptor jdnn does not own (e.g. one a primitive holds), for messages. */
    static String describe(MemorySegment md) {
        int type = typeCode(md);
        String typeName = Arrays.stream(DataType.values()).filter(t -> t.code() == type).findFirst()
                .map(t -> t.name().toLowerCase(java.util.Locale.ROOT)).orElse("type " + type);
        return Arrays.toString(dims(md)) + " " + typeName + " (" + dnnl_memory_desc_get_size(md) + " bytes)";
    }

    /** The number of dims of a descriptor: 0 for the zero descriptor oneDNN returns for an absent memory. */
    static int ndims(MemorySegment md) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment n = scratch.allocate(ValueLayout.JAVA_INT);
            Dnnl.check(dnnl_memory_desc_query(md, dnnl_query_ndims_s32, n), "dnnl_memory_desc_query(ndims)");
            return n.get(ValueLayout.JAVA_INT, 0);
        }
    }

    private static long[] dims(MemorySegment md) {
        int ndims = ndims(md);
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment pointer = scratch.allocate(ValueLayout.ADDRESS);
            Dnnl.check(dnnl_memory_desc_query(md, dnnl_query_dims, pointer), "dnnl_memory_desc_query(dims)");
            return pointer.get(ValueLayout.ADDRESS, 0).reinterpret(8L * ndims).toArray(ValueLayout.JAVA_LONG);
        }
    }

    private static int typeCode(MemorySegment md) {
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment type = scratch.allocate(ValueLayout.JAVA_INT);
            Dnnl.check(dnnl_memory_desc_query(md, dnnl_query_data_type, type), "dnnl_memory_desc_query(data_type)");
            return type.get(ValueLayout.JAVA_INT, 0);
        }
    }

    MemorySegment handle() {
        return handle;
    }
}
