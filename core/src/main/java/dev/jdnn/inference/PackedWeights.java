package dev.jdnn.inference;

import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.ExecArgs;
import dev.jdnn.runtime.Memory;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.Primitive;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.PrimitiveDescs;
import dev.jdnn.runtime.Query;
import dev.jdnn.runtime.Stream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The folded weights of a compiled model in the layouts its primitives chose, each reordered once and
 * then shared read-only by every predictor. Primitives for different batch sizes or thread counts may
 * choose different layouts, so each operation keeps a short list of (layout, data) pairs, filled the
 * first time a plan asks for a layout. Thread-safe: plans are built under this object's lock.
 */
final class PackedWeights {
    private record Packed(MemoryDesc desc, MemorySegment data) {}

    private final Arena owner;
    private final List<List<Packed>> byOp = new ArrayList<>();

    PackedWeights(Arena owner, int opCount) {
        this.owner = owner;
        for (int i = 0; i < opCount; i++) byOp.add(new ArrayList<>());
    }

    /**
     * The weights of operation {@code op} in layout {@code wanted}: the plain folded data itself when the
     * layouts agree, else a copy reordered on {@code stream} the first time and shared afterwards.
     */
    synchronized MemorySegment in(int op, MemoryDesc wanted, MemoryDesc plain, MemorySegment plainData,
                                  Stream stream) {
        if (wanted.sameAs(plain)) return plainData;
        List<Packed> packed = byOp.get(op);
        for (Packed p : packed) {
            if (p.desc().sameAs(wanted)) return p.data();
        }
        MemorySegment data = owner.allocate(wanted.byteSize(), Memory.ALIGNMENT);
        reorder(plain, plainData, wanted, data, stream);
        packed.add(new Packed(wanted.copy(owner), data));
        return data;
    }

    /** Reorders {@code plainData}, laid out as {@code plain}, into {@code data} laid out as {@code wanted}. */
    static void reorder(MemoryDesc plain, MemorySegment plainData, MemoryDesc wanted, MemorySegment data,
                        Stream stream) {
        try (Arena scratch = Arena.ofConfined()) {
            Engine engine = Engine.cpu();
            Memory from = new Memory(plain, engine, scratch, plainData);
            Memory to = new Memory(wanted, engine, scratch, data);
            PrimitiveDesc desc = PrimitiveDescs.reorder(scratch, plain, wanted, new PrimitiveAttr(scratch));
            MemoryDesc scratchpad = desc.query(Query.SCRATCHPAD);
            boolean needsScratchpad = scratchpad != null && scratchpad.byteSize() > 0;
            ExecArgs args = new ExecArgs(scratch, needsScratchpad ? 3 : 2).bind(Arg.FROM, from).bind(Arg.TO, to);
            if (needsScratchpad) args.bind(Arg.SCRATCHPAD, new Memory(scratchpad, engine, scratch));
            new Primitive(desc, scratch).execute(stream, args);
            stream.waitAll();
        }
    }
}
