package dev.jdnn.hardening;

import static dev.jdnn.hardening.Refusals.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jdnn.runtime.Algorithm;
import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.DnnlException;
import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.ExecArgs;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.Memory;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.Primitive;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.PrimitiveDescs;
import dev.jdnn.runtime.PropKind;
import dev.jdnn.runtime.Query;
import dev.jdnn.runtime.Stream;
import dev.jdnn.runtime.Threads;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 8, native safety, for the typed wrappers a user can call directly (dev.jdnn.runtime, dev.jdnn.tensor): each
 * public operation with hostile sizes (0, negative, 2^31 - 1, 2^61, mismatched) raises exactly the exception its row
 * names, with the words it names, before anything reaches oneDNN; then a ReLU primitive built and run from scratch
 * still computes max(0, x) exactly, and Threads still sets the team size.
 * <p>Rows marked "crashed" took the JVM down before the fix (probed in a child JVM): a memory smaller than the
 * primitive's descriptor bound to it (glibc: "malloc(): corrupted top size"), and a bound memory or its buffer freed
 * before the execution ("free(): corrupted unsorted chunks", SIGSEGV). Rows marked "overflowed" describe a size oneDNN
 * computed wrongly: 2^61 floats came back as -2^63 bytes (0 for format any), so a buffer of 1 byte was allocated.
 */
class NativeWrapperSizeTest {
    private static final long ROWS = 4;
    private static final long COLUMNS = 10;

    private static Arena arena;
    private static MemoryDesc matrix;
    private static Primitive relu;
    private static Stream stream;
    private static Memory source;
    private static Memory target;

    @BeforeAll
    static void buildRelu() {
        arena = Arena.ofShared();
        matrix = MemoryDesc.of(arena, DataType.F32, FormatTag.NC, ROWS, COLUMNS);
        relu = new Primitive(reluDesc(arena, matrix), arena);
        stream = new Stream(Engine.cpu(), arena);
        source = new Memory(matrix, Engine.cpu(), arena);
        target = new Memory(matrix, Engine.cpu(), arena);
    }

    @AfterAll
    static void close() {
        arena.close();
    }

    private static PrimitiveDesc reluDesc(Arena owner, MemoryDesc desc) {
        return PrimitiveDescs.eltwiseForward(owner, PropKind.FORWARD_INFERENCE, Algorithm.ELTWISE_RELU, desc, desc, 0, 0,
                new PrimitiveAttr(owner));
    }

    /** Runs ReLU with {@code src} and {@code dst} bound, on a fresh argument array. */
    private static void runRelu(Memory src, Memory dst) {
        relu.execute(stream, new ExecArgs(arena, 2).bind(Arg.SRC, src).bind(Arg.DST, dst));
        stream.waitAll();
    }

    static java.util.stream.Stream<Named<Refusals.Row>> hostileCalls() {
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        Class<IllegalStateException> ise = IllegalStateException.class;
        return java.util.stream.Stream.of(
                row("Threads.set(0)", iae, () -> Threads.set(0), "threads must be 1..1024, got 0"),
                row("Threads.set(-1)", iae, () -> Threads.set(-1), "1..1024", "got -1"),
                row("Threads.set(1025)", iae, () -> Threads.set(1025), "1..1024", "got 1025"),
                row("Threads.set(2^31 - 1)", iae, () -> Threads.set(Integer.MAX_VALUE), "1..1024", "got 2147483647"),
                row("Threads.set(-2^31)", iae, () -> Threads.set(Integer.MIN_VALUE), "1..1024", "got -2147483648"),

                row("MemoryDesc.of: no dims", iae, () -> MemoryDesc.of(arena, DataType.F32, FormatTag.A),
                        "1..12 dims, got 0"),
                row("MemoryDesc.of: 13 dims", iae, () -> MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, new long[13]),
                        "1..12 dims, got 13"),
                row("MemoryDesc.of: dim 0", iae, () -> MemoryDesc.of(arena, DataType.F32, FormatTag.NC, 4, 0),
                        "dims must be positive", "[4, 0]"),
                row("MemoryDesc.of: dim -1", iae, () -> MemoryDesc.of(arena, DataType.F32, FormatTag.NC, -1, 4),
                        "dims must be positive", "[-1, 4]"),
                row("MemoryDesc.of: dim -2^63", iae, () -> MemoryDesc.of(arena, DataType.F32, FormatTag.A, Long.MIN_VALUE),
                        "dims must be positive"),
                row("MemoryDesc.of: 2^61 floats (overflowed)", iae,
                        () -> MemoryDesc.of(arena, DataType.F32, FormatTag.A, 1L << 61), "[2305843009213693952] of F32",
                        "more than 2^48 bytes"),
                row("MemoryDesc.of: 2^61 floats, format any (overflowed)", iae,
                        () -> MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, 1L << 61), "more than 2^48 bytes"),
                row("MemoryDesc.of: 2^63 - 1 bytes", iae,
                        () -> MemoryDesc.of(arena, DataType.U8, FormatTag.A, Long.MAX_VALUE), "more than 2^48 bytes"),
                row("MemoryDesc.of: (2^31 - 1) x (2^31 - 1)", iae, () -> MemoryDesc.of(arena, DataType.F32, FormatTag.NC,
                        Integer.MAX_VALUE, Integer.MAX_VALUE), "more than 2^48 bytes"),
                row("MemoryDesc.of: null dims", NullPointerException.class,
                        () -> MemoryDesc.of(arena, DataType.F32, FormatTag.A, (long[]) null), "dims"),
                row("MemoryDesc.of: rank 2 for tag nchw", DnnlException.class,
                        () -> MemoryDesc.of(arena, DataType.F32, FormatTag.NCHW, 2, 3),
                        "dnnl_memory_desc_create_with_tag failed: invalid_arguments"),
                row("MemoryDesc.reshape: 4 x 10 as 4 x 11", iae, () -> matrix.reshape(arena, 4, 11),
                        "keeps the number of elements", "[4, 10] cannot become [4, 11]"),
                row("MemoryDesc.reshape: 4 x 10 as -4 x -10", iae, () -> matrix.reshape(arena, -4, -10),
                        "dims must be positive"),
                row("MemoryDesc.reshape: no dims", iae, () -> matrix.reshape(arena), "1..12 dims, got 0"),
                row("MemoryDesc.reshape: 13 dims", iae, () -> matrix.reshape(arena, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 40),
                        "1..12 dims, got 13"),

                row("Memory over a buffer 1 byte short", iae,
                        () -> new Memory(matrix, Engine.cpu(), arena, arena.allocate(159)),
                        "buffer of 159 bytes is smaller than the 160 bytes"),
                row("Memory over an empty buffer", iae,
                        () -> new Memory(matrix, Engine.cpu(), arena, MemorySegment.NULL), "buffer of 0 bytes"),
                row("Memory over a heap array", iae,
                        () -> new Memory(matrix, Engine.cpu(), arena, MemorySegment.ofArray(new float[40])),
                        "native buffer", "heap segment of 160 bytes"),
                row("Memory over a read-only buffer", iae,
                        () -> new Memory(matrix, Engine.cpu(), arena, arena.allocate(160).asReadOnly()), "read-only"),
                row("Memory over a freed buffer", ise, () -> {
                    MemorySegment freed;
                    try (Arena other = Arena.ofShared()) {
                        freed = other.allocate(160);
                    }
                    new Memory(matrix, Engine.cpu(), arena, freed);
                }, "the buffer's arena is closed"),
                row("Memory in a closed arena", ise, () -> {
                    Arena closed = Arena.ofShared();
                    closed.close();
                    new Memory(matrix, Engine.cpu(), closed);
                }, "Already closed"),
                row("Memory.setData: 1 byte short", iae, () -> new Memory(matrix, Engine.cpu(), arena)
                        .setData(arena.allocate(159)), "159 bytes is smaller than the 160 bytes"),

                row("ExecArgs of 0 slots", iae, () -> new ExecArgs(arena, 0), "1.." + Arg.values().length + " arguments, got 0"),
                row("ExecArgs of -1 slots", iae, () -> new ExecArgs(arena, -1), "1.." + Arg.values().length + " arguments, got -1"),
                row("ExecArgs of 2^31 - 1 slots", iae, () -> new ExecArgs(arena, Integer.MAX_VALUE),
                        "1.." + Arg.values().length + " arguments, got 2147483647"),
                row("ExecArgs: one argument too many", ise,
                        () -> new ExecArgs(arena, 1).bind(Arg.SRC, source).bind(Arg.DST, target),
                        "all 1 argument slots are bound"),
                row("execute: SRC of 1 x 1 for 4 x 10 (crashed)", iae, () -> runRelu(
                        new Memory(MemoryDesc.of(arena, DataType.F32, FormatTag.NC, 1, 1), Engine.cpu(), arena), target),
                        "argument SRC", "must be a memory of [4, 10] f32 (160 bytes)", "got one of [1, 1] f32 (4 bytes)"),
                row("execute: DST of 10 x 4 for 4 x 10", iae, () -> runRelu(source,
                        new Memory(MemoryDesc.of(arena, DataType.F32, FormatTag.NC, 10, 4), Engine.cpu(), arena)),
                        "argument DST", "[4, 10] f32", "got one of [10, 4] f32"),
                row("execute: DST of bf16 for f32", iae, () -> runRelu(source,
                        new Memory(MemoryDesc.of(arena, DataType.BF16, FormatTag.NC, ROWS, COLUMNS), Engine.cpu(), arena)),
                        "argument DST", "got one of [4, 10] bf16"),
                row("execute: an argument ReLU does not take", iae, () -> relu.execute(stream,
                        new ExecArgs(arena, 3).bind(Arg.SRC, source).bind(Arg.DST, target).bind(Arg.WEIGHTS, source)),
                        "takes no WEIGHTS argument"),
                row("execute: a slot left unbound", ise,
                        () -> relu.execute(stream, new ExecArgs(arena, 2).bind(Arg.SRC, source)),
                        "1 of 2 argument slots are bound"),
                row("execute: DST missing", DnnlException.class,
                        () -> relu.execute(stream, new ExecArgs(arena, 1).bind(Arg.SRC, source)),
                        "dnnl_primitive_execute failed: invalid_arguments"),
                row("execute: the DST memory freed (crashed)", ise, () -> {
                    ExecArgs args;
                    try (Arena other = Arena.ofShared()) {
                        args = new ExecArgs(arena, 2).bind(Arg.SRC, source).bind(Arg.DST, new Memory(matrix, Engine.cpu(), other));
                    }
                    relu.execute(stream, args);
                }, "the memory bound as DST is freed"),
                row("execute: the DST buffer freed (crashed)", ise, () -> {
                    Arena other = Arena.ofShared();
                    ExecArgs args = new ExecArgs(arena, 2).bind(Arg.SRC, source)
                            .bind(Arg.DST, new Memory(matrix, Engine.cpu(), arena, other.allocate(160)));
                    other.close();
                    relu.execute(stream, args);
                }, "the buffer of the memory bound as DST is freed"),
                row("execute: the buffer freed after a first run (crashed)", ise, () -> {
                    Arena other = Arena.ofShared();
                    ExecArgs args = new ExecArgs(arena, 2).bind(Arg.SRC, source)
                            .bind(Arg.DST, new Memory(matrix, Engine.cpu(), arena, other.allocate(160)));
                    relu.execute(stream, args);
                    stream.waitAll();
                    other.close();
                    relu.execute(stream, args);
                }, "the buffer of the memory bound as DST is freed"),
                row("execute: on a freed stream", ise, () -> {
                    Stream freed;
                    try (Arena other = Arena.ofShared()) {
                        freed = new Stream(Engine.cpu(), other);
                    }
                    relu.execute(freed, new ExecArgs(arena, 2).bind(Arg.SRC, source).bind(Arg.DST, target));
                }, "Already closed"),
                row("Stream in a closed arena", ise, () -> {
                    Arena closed = Arena.ofShared();
                    closed.close();
                    new Stream(Engine.cpu(), closed);
                }, "the arena that would own the result of dnnl_stream_create is closed"),

                row("convolution: 1 stride for 2 spatial dims", iae, () -> convolution(new long[] {1}, new long[2]),
                        "strides must hold one value per spatial dimension of [1, 1, 8, 8] f32", "i.e. 2, got 1"),
                row("convolution: 3 paddings for 2 spatial dims", iae, () -> convolution(new long[] {1, 1}, new long[3]),
                        "padL must hold one value per spatial dimension", "i.e. 2, got 3"),
                row("convolution: no strides", NullPointerException.class, () -> convolution(null, new long[2]),
                        "strides"),
                row("convolution: stride 0", DnnlException.class, () -> convolution(new long[] {0, 1}, new long[2]),
                        "dnnl_convolution_forward_primitive_desc_create failed: invalid_arguments"),
                row("convolution: stride -2^63", DnnlException.class,
                        () -> convolution(new long[] {Long.MIN_VALUE, 1}, new long[2]), "invalid_arguments"),
                row("convolution: padding -5", DnnlException.class, () -> convolution(new long[] {1, 1}, new long[] {-5, 0}),
                        "invalid_arguments"),
                row("pooling: 1 kernel value for 2 spatial dims", iae, () -> PrimitiveDescs.poolingForward(arena,
                        PropKind.FORWARD_INFERENCE, Algorithm.POOLING_MAX, image(1, 8, 8), image(1, 4, 4),
                        new long[] {2, 2}, new long[] {2}, new long[2], new long[2], new PrimitiveAttr(arena)),
                        "kernel must hold one value per spatial dimension", "i.e. 2, got 1"),
                row("softmax: axis 2^31 - 1", DnnlException.class, () -> PrimitiveDescs.softmaxForward(arena,
                        PropKind.FORWARD_INFERENCE, Algorithm.SOFTMAX_ACCURATE, matrix, matrix, Integer.MAX_VALUE,
                        new PrimitiveAttr(arena)), "dnnl_softmax_forward_primitive_desc_create failed: invalid_arguments"),
                row("reorder: 4 x 10 into 10 x 4", DnnlException.class, () -> PrimitiveDescs.reorder(arena, matrix,
                        MemoryDesc.of(arena, DataType.F32, FormatTag.NC, 10, 4), new PrimitiveAttr(arena)),
                        "dnnl_reorder_primitive_desc_create failed: invalid_arguments"),

                row("Tensor.plain: rank 3", iae, () -> Tensor.plain(arena, DataType.F32, 2, 3, 4),
                        "jdnn tensors have 1, 2, 4 or 5 dims, got 3"),
                row("Tensor.plain: dim 0", iae, () -> Tensor.plain(arena, DataType.F32, 0, 3), "dims must be positive"),
                row("Tensor.plain: 2^31 - 1 images of 2^31 - 1 floats", iae, () -> Tensor.plain(arena, DataType.F32,
                        Integer.MAX_VALUE, Integer.MAX_VALUE), "more than 2^48 bytes"),
                row("Tensor.copyFrom: 39 floats into 4 x 10", iae, () -> tensor().copyFrom(new float[39]),
                        "tensor [4, 10] holds 40 floats, got 39"),
                row("Tensor.copyFrom: no floats", iae, () -> tensor().copyFrom(new float[0]), "holds 40 floats, got 0"),
                row("Tensor.copyTo: 41 floats", iae, () -> tensor().copyTo(new float[41]), "holds 40 floats, got 41"),
                row("Tensor.copyFrom: a segment of 159 bytes", iae, () -> tensor().copyFrom(arena.allocate(159)),
                        "whole floats (4 bytes each), got 159 bytes"),
                row("Tensor.copyFrom: a segment of 164 bytes", iae, () -> tensor().copyFrom(arena.allocate(164)),
                        "holds 40 floats, got 41"),
                row("Tensor.copyFrom: a buffer of 0 floats", iae, () -> tensor().copyFrom(FloatBuffer.allocate(0)),
                        "holds 40 floats, got 0"),
                row("Tensor.copyTo: a buffer of 39 floats", iae, () -> tensor().copyTo(FloatBuffer.allocate(39)),
                        "holds 40 floats, got 39"));
    }

    private static MemoryDesc image(long channels, long height, long width) {
        return MemoryDesc.of(arena, DataType.F32, FormatTag.NCHW, 1, channels, height, width);
    }

    /** A 3 x 3 convolution of one 8 x 8 channel into 4 x 6 x 6, with the given strides and paddings. */
    private static PrimitiveDesc convolution(long[] strides, long[] padding) {
        return PrimitiveDescs.convolutionForward(arena, PropKind.FORWARD_INFERENCE, image(1, 8, 8),
                MemoryDesc.of(arena, DataType.F32, FormatTag.OIHW, 4, 1, 3, 3), null, image(4, 6, 6), strides,
                padding, new long[2], new PrimitiveAttr(arena));
    }

    private static Tensor tensor() {
        return Tensor.plain(arena, DataType.F32, ROWS, COLUMNS);
    }

    /** Indexes out of range get no descriptor, not a zero one that would size a 1-byte memory. */
    @Test
    void aQueryOutOfRangeFindsNothing() {
        PrimitiveDesc desc = reluDesc(arena, matrix);
        for (int index : new int[] {-1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            for (Query query : Query.values()) assertNull(desc.query(query, index), query + " " + index);
        }
        assertNull(desc.query(Query.WEIGHTS), "ReLU has no weights");
        assertEquals(160, desc.query(Query.SRC).byteSize());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileCalls")
    void aHostileSizeIsRefusedBeforeOneDnnSeesIt(Refusals.Row row) {
        Refusals.assertRefused(row);
    }

    /** After each row: a ReLU compiled and run from scratch gives max(0, x) bit for bit, and threads can be set. */
    @AfterEach
    void theNativeRuntimeStillWorks() {
        try (Arena fresh = Arena.ofConfined()) {
            Tensor in = Tensor.plain(fresh, DataType.F32, ROWS, COLUMNS);
            Tensor out = Tensor.plain(fresh, DataType.F32, ROWS, COLUMNS);
            float[] x = new float[(int) (ROWS * COLUMNS)];
            for (int i = 0; i < x.length; i++) x[i] = (i - 17) * 0.37f;
            in.copyFrom(x);
            Stream freshStream = new Stream(Engine.cpu(), fresh);
            new Primitive(reluDesc(fresh, in.desc()), fresh).execute(freshStream,
                    new ExecArgs(fresh, 2).bind(Arg.SRC, in.memory()).bind(Arg.DST, out.memory()));
            freshStream.waitAll();
            float[] y = out.toArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(Math.max(0f, x[i]), y[i], "ReLU of x[" + i + "] = " + x[i]);
            }
        }
        source.data().fill((byte) 0);
        runRelu(source, target);
        assertEquals(0f, target.data().get(ValueLayout.JAVA_FLOAT, 0));
        Threads.set(1);
        assertEquals(1, Threads.max());
    }
}
