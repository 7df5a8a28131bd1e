package dev.jdnn.tensor;

import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.Memory;
import dev.jdnn.runtime.MemoryDesc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * An off-heap tensor: logical dims (N first), a data type, a layout (plain NCHW / NC at jdnn's boundary,
 * whatever oneDNN chose inside) and its memory, owned by the arena it was allocated in. Copies to and
 * from Java arrays are for the edges only and need the plain layout.
 */
public final class Tensor {
    private final long[] dims;
    private final Memory memory;
    private final boolean plain;

    private Tensor(long[] dims, Memory memory, boolean plain) {
        this.dims = dims;
        this.memory = memory;
        this.plain = plain;
    }

    /** A zeroed tensor in the plain layout for its rank (a, nc or nchw). */
    public static Tensor plain(Arena owner, DataType type, long... dims) {
        return new Tensor(dims.clone(), new Memory(MemoryDesc.of(owner, type, plainTag(dims.length), dims),
                Engine.cpu(), owner), true);
    }

    /** A zeroed tensor in the layout {@code desc} describes (e.g. one a primitive chose). */
    public static Tensor of(Arena owner, MemoryDesc desc) {
        return wrap(new Memory(desc, Engine.cpu(), owner));
    }

    /** Views an existing memory as a tensor (no copy). */
    public static Tensor wrap(Memory memory) {
        long[] dims = memory.desc().dims();
        try (Arena scratch = Arena.ofConfined()) {
            MemoryDesc plainDesc = MemoryDesc.of(scratch, memory.desc().dataType(), plainTag(dims.length), dims);
            return new Tensor(dims, memory, memory.desc().sameAs(plainDesc));
        }
    }

    /** The plain layout jdnn uses at its boundary for a tensor of {@code rank} dims. */
    public static FormatTag plainTag(int rank) {
        return switch (rank) {
            case 1 -> FormatTag.A;
            case 2 -> FormatTag.NC;
            case 4 -> FormatTag.NCHW;
            case 5 -> FormatTag.GOIHW; // a grouped convolution's weights
            default -> throw new IllegalArgumentException("jdnn tensors have 1, 2, 4 or 5 dims, got " + rank);
        };
    }

    public long[] dims() {
        return dims.clone();
    }

    public long dim(int i) {
        return dims[i];
    }

    public long elementCount() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    public MemoryDesc desc() {
        return memory.desc();
    }

    public Memory memory() {
        return memory;
    }

    public MemorySegment segment() {
        return memory.data();
    }

    public DataType dataType() {
        return memory.desc().dataType();
    }

    /** True when the data is laid out plainly (row-major in dims order), so it can be copied element-wise. */
    public boolean isPlain() {
        return plain;
    }

    public void copyFrom(float[] source) {
        requireFloatPlain(source.length);
        MemorySegment.copy(source, 0, segment(), ValueLayout.JAVA_FLOAT, 0, source.length);
    }

    public void copyTo(float[] target) {
        requireFloatPlain(target.length);
        MemorySegment.copy(segment(), ValueLayout.JAVA_FLOAT, 0, target, 0, target.length);
    }

    public void copyFrom(FloatBuffer source) {
        requireFloatPlain(source.remaining());
        segment().asByteBuffer().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().put(source.duplicate());
    }

    public void copyTo(FloatBuffer target) {
        requireFloatPlain(target.remaining());
        target.duplicate().put(segment().asByteBuffer().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer()
                .limit((int) elementCount()));
    }

    public void copyFrom(MemorySegment source) {
        if (source.byteSize() % Float.BYTES != 0) {
            throw new IllegalArgumentException("source must hold whole floats (4 bytes each), got " + source.byteSize()
                    + " bytes");
        }
        requireFloatPlain(source.byteSize() / Float.BYTES);
        MemorySegment.copy(source, 0, segment(), 0, source.byteSize());
    }

    public float[] toArray() {
        float[] out = new float[Math.toIntExact(elementCount())];
        copyTo(out);
        return out;
    }

    private void requireFloatPlain(long count) {
        if (!plain || dataType() != DataType.F32) {
            throw new IllegalStateException("element copies need a plain f32 tensor; this one is "
                    + dataType() + (plain ? "" : " in a blocked layout") + ", reorder it first");
        }
        if (count != elementCount()) {
            throw new IllegalArgumentException("tensor " + Arrays.toString(dims) + " holds " + elementCount()
                    + " floats, got " + count);
        }
    }
}
