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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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
    private record Value(MemoryDesc desc, Memory memory, Buffers.Slot slot, long[] dims) {}

    private final CompiledModel model;
    private final int batch;
    private final int threads;
    private final Arena arena;
    private final Buffers buffers;
    private final Stream stream;
    private final DataType inner;
    private final List<BoundStep> steps = new ArrayList<>();
    private final List<String> implementations = new ArrayList<>();

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
        Memory images = new Memory(inputDesc, ENGINE, arena,
                buffers.segment(Buffers.Slot.INPUT, inputDesc.byteSize()));
        Value input = new Value(inputDesc, images, Buffers.Slot.INPUT, inputDims);
        Value current = input;
        List<InferenceOp> ops = model.ops();
        for (int i = 0; i < ops.size(); i++) {
            boolean last = i == ops.size() - 1;
            current = switch (ops.get(i)) {
                case InferenceOp.Affine a when a.kind() == InferenceOp.Affine.Kind.CONVOLUTION ->
                        convolution(i, a, current, current == input, last);
                case InferenceOp.Affine a -> dense(i, a, current, last);
                case InferenceOp.Pool p -> pool(p, current);
                case InferenceOp.Softmax s -> softmax(current);
            };
        }
        current = relayout(current, plain(DataType.F32, current.dims()));
        return new BatchPlan(batch, input.memory().data().asSlice(0, input.desc().byteSize()),
                current.memory().data().asSlice(0, current.desc().byteSize()), steps, implementations);
    }

    private Value convolution(int index, InferenceOp.Affine op, Value in, boolean readsImages, boolean last) {
        long[] dstDims = withBatch(op.outputShape());
        MemoryDesc src = readsImages && in.desc().dataType() == inner ? in.desc()
                : MemoryDesc.of(arena, inner, model.layout().activations(), in.dims());
        MemoryDesc dst = last ? plain(DataType.F32, dstDims)
                : MemoryDesc.of(arena, inner, model.layout().activations(), dstDims);
        PrimitiveDesc desc = PrimitiveDescs.convolutionForward(arena, PropKind.FORWARD_INFERENCE, src,
                any(op.weightDims()), biasDesc(op), dst, op.strides(), op.dilates(), op.padBefore(), op.padAfter(),
                postOps(op.postOps()));
        return affineStep(index, op, desc, relayout(in, desc.query(Query.SRC)), BoundStep.Kind.CONVOLUTION);
    }

    private Value dense(int index, InferenceOp.Affine op, Value in, boolean last) {
        long[] dstDims = withBatch(op.outputShape());
        MemoryDesc src = in.desc().dataType() == inner ? in.desc()
                : MemoryDesc.of(arena, inner, FormatTag.ANY, in.dims());
        MemoryDesc dst = last ? plain(DataType.F32, dstDims) : MemoryDesc.of(arena, inner, FormatTag.ANY, dstDims);
        PrimitiveDesc desc = model.denseImplementations().choose(
                new DenseImplementations.Problem(src, dst, op.weightDims(), op.postOps(), threads), arena,
                owner -> PrimitiveDescs.innerProductForward(owner, PropKind.FORWARD_INFERENCE, src,
                        any(op.weightDims()), biasDesc(op), dst, postOps(op.postOps())),
                (candidate, scratch) -> bestRunNanos(candidate, op, scratch));
        return affineStep(index, op, desc, relayout(in, desc.query(Query.SRC)), BoundStep.Kind.DENSE);
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

    private Value affineStep(int index, InferenceOp.Affine op, PrimitiveDesc desc, Value src, BoundStep.Kind kind) {
        MemoryDesc weightsDesc = desc.query(Query.WEIGHTS);
        Memory weights = new Memory(weightsDesc, ENGINE, arena,
                model.packedWeights().in(index, weightsDesc, plainWeights(arena, op), op.weights(), stream));
        Memory bias = new Memory(biasDesc(op), ENGINE, arena, op.bias());
        Value dst = allocate(desc.query(Query.DST), src);
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

    /** {@code value} in layout {@code wanted}: itself when it already is, else the output of a new reorder. */
    private Value relayout(Value value, MemoryDesc wanted) {
        if (value.desc().sameAs(wanted)) return value;
        PrimitiveDesc desc = PrimitiveDescs.reorder(arena, value.desc(), wanted, new PrimitiveAttr(arena));
        return oneInOneOut(BoundStep.Kind.REORDER, desc, Arg.FROM, value, Arg.TO, wanted);
    }

    /** Adds a step of {@code desc} reading {@code src} as {@code in} and writing a new activation as {@code out}. */
    private Value oneInOneOut(BoundStep.Kind kind, PrimitiveDesc desc, Arg in, Value src, Arg out, MemoryDesc dstDesc) {
        Value dst = allocate(dstDesc, src);
        Map<Arg, Memory> args = new EnumMap<>(Arg.class);
        args.put(in, src.memory());
        args.put(out, dst.memory());
        add(kind, desc, args);
        return dst;
    }

    /** A new activation in {@code desc}, in the ping-pong buffer that {@code src} does not occupy. */
    private Value allocate(MemoryDesc desc, Value src) {
        Buffers.Slot slot = src.slot() == Buffers.Slot.PING ? Buffers.Slot.PONG : Buffers.Slot.PING;
        Memory memory = new Memory(desc, ENGINE, arena, buffers.segment(slot, desc.byteSize()));
        return new Value(desc, memory, slot, desc.dims());
    }

    private void add(BoundStep.Kind kind, PrimitiveDesc desc, Map<Arg, Memory> args) {
        MemoryDesc scratchpad = desc.query(Query.SCRATCHPAD);
        if (scratchpad != null && scratchpad.byteSize() > 0) {
            MemorySegment data = buffers.segment(Buffers.Slot.SCRATCHPAD, scratchpad.byteSize());
            args.put(Arg.SCRATCHPAD, new Memory(scratchpad, ENGINE, arena, data));
        }
        ExecArgs bound = new ExecArgs(arena, args.size());
        args.forEach(bound::bind);
        steps.add(new BoundStep(kind, new Primitive(desc, arena), bound));
        implementations.add(desc.implementation());
    }

    private PrimitiveAttr postOps(List<EltwiseOp> ops) {
        PrimitiveAttr attr = new PrimitiveAttr(arena);
        for (EltwiseOp op : ops) op.appendTo(attr);
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
