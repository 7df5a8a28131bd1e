package dev.jdnn.inference;

import dev.jdnn.layers.EltwiseOp;
import dev.jdnn.runtime.Algorithm;
import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.DataType;
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
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the {@link BatchPlan} of a compiled model for one batch size: a primitive per operation with
 * the layouts oneDNN prefers, the shared packed weights, and a reorder only where one primitive's output
 * layout (or type) is not what the next one reads. The images are read plain by the first convolution
 * (a blocked input would pad a single channel to 16), and a dense layer reads its input in whatever
 * layout it arrives in, so the flatten in front of it costs nothing. A dense layer runs the implementation
 * {@link DenseImplementations} chose by timing.
 */
final class PlanCompiler {
    private static final Engine ENGINE = Engine.cpu();
    /** Timed runs of a candidate dense primitive at most, and the time after which a slow one stops early. */
    private static final int TIMED_RUNS = 7;
    private static final long TIMING_BUDGET_NANOS = 5_000_000;

    /** An activation tensor of the plan: its layout, its memory, and the buffer it lives in. */
    private record Value(MemoryDesc desc, Memory memory, int slot, long[] dims) {}

    private final CompiledModel model;
    private final int batch;
    private final int threads;
    private final Arena arena;
    private final Buffers buffers;
    private final Stream stream;
    private final DataType inner;
    private final List<BoundStep> steps = new ArrayList<>();
    private final List<String> implementations = new ArrayList<>();
    /** The activation buffers no live value holds, lowest first, and the next never used. */
    private final TreeSet<Integer> freeSlots = new TreeSet<>();
    private int nextSlot = Buffers.FIRST_ACTIVATION;
    /** The buffers of the reorders made for the op being compiled, free once it is. */
    private final List<Integer> temporaries = new ArrayList<>();
    /**
     * The buffers of the op's inputs that it reads once and no later op reads: free as soon as the op has relayouted
     * one into a temporary, so that the op's output may take its place (a chain with a reorder keeps two buffers).
     */
    private final Set<Integer> dying = new HashSet<>();

    private PlanCompiler(CompiledModel model, int batch, int threads, Arena arena, Buffers buffers, Stream stream) {
        this.model = model;
        this.batch = batch;
        this.threads = threads;
        this.arena = arena;
        this.buffers = buffers;
        this.stream = stream;
        this.inner = model.precision() == Precision.BF16 ? DataType.BF16 : DataType.F32;
    }

    /**
     * Compiles {@code model} for {@code batch} images on a team of {@code threads}, the calling thread's current
     * team size; everything it creates belongs to {@code arena}.
     */
    static BatchPlan compile(CompiledModel model, int batch, int threads, Arena arena, Buffers buffers,
                             Stream stream) {
        return new PlanCompiler(model, batch, threads, arena, buffers, stream).build();
    }

    private BatchPlan build() {
        long[] inputDims = withBatch(model.imageShape());
        // One channel: NCHW and NHWC are the same bytes, so the images can be described channels-last for
        // a channels-last convolution, which then reads them in place.
        MemoryDesc inputDesc = inputDims[1] == 1 && model.layout() == Layout.NHWC
                ? MemoryDesc.of(arena, DataType.F32, FormatTag.NHWC, inputDims) : plain(DataType.F32, inputDims);
        Memory images = new Memory(inputDesc, ENGINE, arena, buffers.segment(Buffers.INPUT, inputDesc.byteSize()));
        List<InferenceOp> ops = model.ops();
        Value[] values = new Value[ops.size() + 1];
        values[0] = new Value(inputDesc, images, Buffers.INPUT, inputDims);
        int[] lastUse = lastUses(ops);
        for (int i = 0; i < ops.size(); i++) {
            boolean last = i == ops.size() - 1;
            InferenceOp op = ops.get(i);
            Value in = values[op.inputs().getFirst()];
            dying.clear();
            for (int v : op.inputs()) {
                if (lastUse[v] == i && Collections.frequency(op.inputs(), v) == 1) dying.add(values[v].slot());
            }
            values[i + 1] = switch (op) {
                case InferenceOp.Affine a when a.kind() == InferenceOp.Affine.Kind.CONVOLUTION ->
                        convolution(i, a, in, a.sumInput() < 0 ? null : values[a.sumInput()],
                                lastUse[a.sumInput() < 0 ? 0 : a.sumInput()] == i, last);
                case InferenceOp.Affine a -> dense(i, a, in, last);
                case InferenceOp.Pool p -> pool(p, in);
                case InferenceOp.Softmax s -> softmax(in);
                case InferenceOp.Eltwise e -> eltwise(e, in);
                case InferenceOp.Binary b -> binary(b, in, values[b.second()]);
                case InferenceOp.Concat c -> concat(c.inputs().stream().map(v -> values[v]).toList());
            };
            release(temporaries);
            temporaries.clear();
            int kept = values[i + 1].slot();
            for (int v : op.inputs().stream().distinct().toList()) {
                if (lastUse[v] == i && values[v].slot() != kept) release(List.of(values[v].slot()));
            }
        }
        dying.clear();
        Value output = values[ops.size()];
        output = relayout(output, plain(DataType.F32, output.dims()));
        Value input = values[0];
        return new BatchPlan(batch, input.memory().data().asSlice(0, input.desc().byteSize()),
                output.memory().data().asSlice(0, output.desc().byteSize()), steps, implementations);
    }

    /** For each value, the index of the last op that reads it (the output: past the end). */
    private static int[] lastUses(List<InferenceOp> ops) {
        int[] last = new int[ops.size() + 1];
        for (int i = 0; i < ops.size(); i++) for (int v : ops.get(i).inputs()) last[v] = i;
        last[ops.size()] = ops.size();
        return last;
    }

    /** Gives the activation buffers among {@code slots} back (the images' buffer is never reused). */
    private void release(List<Integer> slots) {
        for (int slot : slots) if (slot >= Buffers.FIRST_ACTIVATION) freeSlots.add(slot);
    }

    /**
     * A convolution; with {@code addend} (a fused residual addition), its destination first holds the addend: the
     * addend's own buffer when this is its last reader, it has the destination's layout and the convolution does not
     * read its source from it (conv(x) + x: a convolution cannot write over its own source), else a copy.
     */
    private Value convolution(int index, InferenceOp.Affine op, Value in, Value addend, boolean addendDies,
                              boolean last) {
        long[] dstDims = withBatch(op.outputShape());
        MemoryDesc src = in.slot() == Buffers.INPUT && in.desc().dataType() == inner ? in.desc()
                : MemoryDesc.of(arena, inner, model.layout().activations(), in.dims());
        MemoryDesc dst = last ? plain(DataType.F32, dstDims)
                : MemoryDesc.of(arena, inner, model.layout().activations(), dstDims);
        PrimitiveAttr attr = postOps(op.postOps(), op.sumAt());
        PrimitiveDesc desc = PrimitiveDescs.convolutionForward(arena, PropKind.FORWARD_INFERENCE, src,
                any(op.weightDims()), biasDesc(op), dst, op.strides(), op.dilates(), op.padBefore(), op.padAfter(),
                attr);
        Value source = relayout(in, desc.query(Query.SRC));
        Value out = null;
        if (addend != null) {
            MemoryDesc dstDesc = desc.query(Query.DST);
            // In place only where the convolution does not read the same buffer (y = conv(x) + x reads x).
            if (addendDies && addend.slot() >= Buffers.FIRST_ACTIVATION && addend.slot() != source.slot()
                    && addend.desc().sameAs(dstDesc)) {
                out = addend;
            } else {
                out = allocate(dstDesc);
                copy(addend, out);
            }
        }
        return affineStep(index, op, desc, source, out, BoundStep.Kind.CONVOLUTION);
    }

    private Value dense(int index, InferenceOp.Affine op, Value in, boolean last) {
        long[] dstDims = withBatch(op.outputShape());
        MemoryDesc src = in.desc().dataType() == inner ? in.desc()
                : MemoryDesc.of(arena, inner, FormatTag.ANY, in.dims());
        MemoryDesc dst = last ? plain(DataType.F32, dstDims) : MemoryDesc.of(arena, inner, FormatTag.ANY, dstDims);
        PrimitiveDesc desc = model.denseImplementations().choose(
                new DenseImplementations.Problem(src, dst, op.weightDims(), op.postOps(), threads), arena,
                owner -> PrimitiveDescs.innerProductForward(owner, PropKind.FORWARD_INFERENCE, src,
                        any(op.weightDims()), biasDesc(op), dst, postOps(op.postOps(), -1)),
                (candidate, scratch) -> bestRunNanos(candidate, op, scratch));
        return affineStep(index, op, desc, relayout(in, desc.query(Query.SRC)), null, BoundStep.Kind.DENSE);
    }

    /**
     * The best of a few timed runs of a candidate dense primitive, with the layer's weights and zero activations
     * (a dense layer's time does not depend on its values). The best, since this machine's noise only adds.
     */
    private long bestRunNanos(PrimitiveDesc candidate, InferenceOp.Affine op, Arena scratch) {
        MemoryDesc weightsDesc = candidate.query(Query.WEIGHTS);
        Memory weights = new Memory(weightsDesc, ENGINE, scratch);
        PackedWeights.reorder(plainWeights(scratch, op), op.weights(), weightsDesc, weights.data(), stream);
        MemoryDesc scratchpad = candidate.query(Query.SCRATCHPAD);
        boolean needsScratchpad = scratchpad != null && scratchpad.byteSize() > 0;
        ExecArgs args = new ExecArgs(scratch, needsScratchpad ? 5 : 4)
                .bind(Arg.SRC, new Memory(candidate.query(Query.SRC), ENGINE, scratch))
                .bind(Arg.WEIGHTS, weights)
                .bind(Arg.BIAS, new Memory(biasDesc(op), ENGINE, scratch, op.bias()))
                .bind(Arg.DST, new Memory(candidate.query(Query.DST), ENGINE, scratch));
        if (needsScratchpad) args.bind(Arg.SCRATCHPAD, new Memory(scratchpad, ENGINE, scratch));
        Primitive primitive = new Primitive(candidate, scratch);
        long best = Long.MAX_VALUE;
        long spent = 0;
        // One untimed run first (first touches, caches); then up to TIMED_RUNS, fewer for a slow candidate.
        for (int run = 0; run <= TIMED_RUNS && (run <= 2 || spent < TIMING_BUDGET_NANOS); run++) {
            long start = System.nanoTime();
            primitive.execute(stream, args);
            stream.waitAll();
            long nanos = System.nanoTime() - start;
            if (run > 0) {
                best = Math.min(best, nanos);
                spent += nanos;
            }
        }
        return best;
    }

    /** The step of a convolution or dense layer writing into {@code dst}, or a new buffer when null. */
    private Value affineStep(int index, InferenceOp.Affine op, PrimitiveDesc desc, Value src, Value dst,
                             BoundStep.Kind kind) {
        MemoryDesc weightsDesc = desc.query(Query.WEIGHTS);
        Memory weights = new Memory(weightsDesc, ENGINE, arena,
                model.packedWeights().in(index, weightsDesc, plainWeights(arena, op), op.weights(), stream));
        Memory bias = new Memory(biasDesc(op), ENGINE, arena, op.bias());
        if (dst == null) dst = allocate(desc.query(Query.DST));
        Map<Arg, Memory> args = new EnumMap<>(Arg.class);
        args.put(Arg.SRC, src.memory());
        args.put(Arg.WEIGHTS, weights);
        args.put(Arg.BIAS, bias);
        args.put(Arg.DST, dst.memory());
        add(kind, desc, args);
        return dst;
    }

    private Value pool(InferenceOp.Pool op, Value in) {
        Value src = in.desc().dataType() == inner ? in : relayout(in, plain(inner, in.dims()));
        MemoryDesc dstAny = MemoryDesc.of(arena, inner, FormatTag.ANY, withBatch(op.outputShape()));
        PrimitiveDesc desc = PrimitiveDescs.poolingForward(arena, PropKind.FORWARD_INFERENCE, op.algorithm(),
                src.desc(), dstAny, op.strides(), op.kernel(), op.padBefore(), op.padAfter(), new PrimitiveAttr(arena));
        return oneInOneOut(BoundStep.Kind.POOL, desc, Arg.SRC, src, Arg.DST, desc.query(Query.DST));
    }

    private Value softmax(Value in) {
        Value src = in.desc().dataType() == inner ? in : relayout(in, plain(inner, in.dims()));
        PrimitiveDesc desc = PrimitiveDescs.softmaxForward(arena, PropKind.FORWARD_INFERENCE,
                Algorithm.SOFTMAX_ACCURATE, src.desc(), src.desc(), 1, new PrimitiveAttr(arena));
        return oneInOneOut(BoundStep.Kind.SOFTMAX, desc, Arg.SRC, src, Arg.DST, desc.query(Query.DST));
    }

    /** One eltwise step per operation, each in the layout of its input. */
    private Value eltwise(InferenceOp.Eltwise op, Value in) {
        Value current = in.desc().dataType() == inner ? in : relayout(in, plain(inner, in.dims()));
        for (EltwiseOp e : op.operations()) {
            if (current != in) temporaries.add(current.slot()); // an intermediate result, free after this op
            PrimitiveDesc desc = PrimitiveDescs.eltwiseForward(arena, PropKind.FORWARD_INFERENCE, e.algorithm(),
                    current.desc(), current.desc(), e.alpha(), e.beta(), new PrimitiveAttr(arena));
            current = oneInOneOut(BoundStep.Kind.ELTWISE, desc, Arg.SRC, current, Arg.DST, desc.query(Query.DST));
        }
        return current;
    }

    /**
     * A binary step in the first input's layout, the second broadcast; activations after it as post-ops. It writes
     * over the first input when no later op reads that.
     */
    private Value binary(InferenceOp.Binary op, Value first, Value second) {
        Value a = first.desc().dataType() == inner ? first : relayout(first, plain(inner, first.dims()));
        // The same shape: the second in the first's layout. Broadcast: plain, which oneDNN broadcasts per channel.
        MemoryDesc secondDesc = Arrays.equals(second.dims(), a.dims()) ? a.desc() : plain(inner, second.dims());
        Value b = relayout(second, secondDesc);
        PrimitiveDesc desc = PrimitiveDescs.binary(arena, op.algorithm(), a.desc(), b.desc(),
                MemoryDesc.of(arena, inner, FormatTag.ANY, a.dims()), postOps(op.postOps(), -1));
        MemoryDesc dstDesc = desc.query(Query.DST);
        // In place over the first input when no later op reads it: oneDNN's binary may write over its first source.
        boolean inPlace = a == first && dying.contains(a.slot()) && a.slot() >= Buffers.FIRST_ACTIVATION
                && a.desc().sameAs(dstDesc);
        Value dst = inPlace ? a : allocate(dstDesc);
        Map<Arg, Memory> args = new EnumMap<>(Arg.class);
        args.put(Arg.SRC, a.memory());
        args.put(Arg.SRC_1, b.memory());
        args.put(Arg.DST, dst.memory());
        add(BoundStep.Kind.BINARY, desc, args);
        return dst;
    }

    /** A concat step over the inputs, each in the plan's data type; oneDNN chooses the output's layout. */
    private Value concat(List<Value> inputs) {
        List<Value> sources = inputs.stream()
                .map(v -> v.desc().dataType() == inner ? v : relayout(v, plain(inner, v.dims()))).toList();
        PrimitiveDesc desc = PrimitiveDescs.concat(arena, null, 1, sources.stream().map(Value::desc).toList(),
                new PrimitiveAttr(arena));
        Value dst = allocate(desc.query(Query.DST));
        Map<Arg, Memory> args = new EnumMap<>(Arg.class);
        for (int i = 0; i < sources.size(); i++) args.put(Arg.source(i), sources.get(i).memory());
        args.put(Arg.DST, dst.memory());
        add(BoundStep.Kind.CONCAT, desc, args);
        return dst;
    }

    /**
     * {@code value} in layout {@code wanted}: itself when it already is, else the output of a new reorder (after
     * which the value's buffer is free if it is {@code dying}: the op reads the copy).
     */
    private Value relayout(Value value, MemoryDesc wanted) {
        if (value.desc().sameAs(wanted)) return value;
        Value dst = allocate(wanted);
        temporaries.add(dst.slot());
        copy(value, dst);
        if (dying.remove(value.slot())) release(List.of(value.slot()));
        return dst;
    }

    /** A reorder step from {@code from} into {@code to} (any layouts and types of the same dims). */
    private void copy(Value from, Value to) {
        PrimitiveDesc desc = PrimitiveDescs.reorder(arena, from.desc(), to.desc(), new PrimitiveAttr(arena));
        Map<Arg, Memory> args = new EnumMap<>(Arg.class);
        args.put(Arg.FROM, from.memory());
        args.put(Arg.TO, to.memory());
        add(BoundStep.Kind.REORDER, desc, args);
    }

    /** Adds a step of {@code desc} reading {@code src} as {@code in} and writing a new activation as {@code out}. */
    private Value oneInOneOut(BoundStep.Kind kind, PrimitiveDesc desc, Arg in, Value src, Arg out, MemoryDesc dstDesc) {
        Value dst = allocate(dstDesc);
        Map<Arg, Memory> args = new EnumMap<>(Arg.class);
        args.put(in, src.memory());
        args.put(out, dst.memory());
        add(kind, desc, args);
        return dst;
    }

    /**
     * A new activation in {@code desc}, in the lowest buffer no live value holds: values that live at the same time
     * never share one, and a chain alternates between two.
     */
    private Value allocate(MemoryDesc desc) {
        Integer free = freeSlots.pollFirst();
        int slot = free != null ? free : nextSlot++;
        Memory memory = new Memory(desc, ENGINE, arena, buffers.segment(slot, desc.byteSize()));
        return new Value(desc, memory, slot, desc.dims());
    }

    private void add(BoundStep.Kind kind, PrimitiveDesc desc, Map<Arg, Memory> args) {
        MemoryDesc scratchpad = desc.query(Query.SCRATCHPAD);
        if (scratchpad != null && scratchpad.byteSize() > 0) {
            MemorySegment data = buffers.segment(Buffers.SCRATCHPAD, scratchpad.byteSize());
            args.put(Arg.SCRATCHPAD, new Memory(scratchpad, ENGINE, arena, data));
        }
        ExecArgs bound = new ExecArgs(arena, args.size());
        args.forEach(bound::bind);
        steps.add(new BoundStep(kind, new Primitive(desc, arena), bound));
        implementations.add(desc.implementation());
    }

    /** {@code ops} as post-ops, with a sum post-op before op {@code sumAt} (-1: none). */
    private PrimitiveAttr postOps(List<EltwiseOp> ops, int sumAt) {
        PrimitiveAttr attr = new PrimitiveAttr(arena);
        for (int i = 0; i <= ops.size(); i++) {
            if (i == sumAt) attr.sum();
            if (i < ops.size()) ops.get(i).appendTo(attr);
        }
        return attr;
    }

    private MemoryDesc any(long[] dims) {
        return MemoryDesc.of(arena, inner, FormatTag.ANY, dims);
    }

    /** The folded weights as the model holds them: plain float32. */
    private static MemoryDesc plainWeights(Arena owner, InferenceOp.Affine op) {
        long[] dims = op.weightDims();
        FormatTag tag = switch (dims.length) {
            case 5 -> FormatTag.GOIHW;
            case 4 -> FormatTag.OIHW;
            default -> FormatTag.OI;
        };
        return MemoryDesc.of(owner, DataType.F32, tag, dims);
    }

    /** One bias per output channel or feature (a grouped convolution's weights start with the groups). */
    private MemoryDesc biasDesc(InferenceOp.Affine op) {
        return MemoryDesc.of(arena, DataType.F32, FormatTag.A, op.outputShape()[0]);
    }

    private MemoryDesc plain(DataType type, long[] dims) {
        return MemoryDesc.of(arena, type, Tensor.plainTag(dims.length), dims);
    }

    private long[] withBatch(long[] perSample) {
        long[] dims = new long[perSample.length + 1];
        dims[0] = batch;
        System.arraycopy(perSample, 0, dims, 1, perSample.length);
        return dims;
    }
}
