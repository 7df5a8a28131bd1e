package dev.jdnn.layers;

import dev.jdnn.runtime.Algorithm;
import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.PrimitiveDescs;
import dev.jdnn.runtime.Query;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sum or product of two inputs ({@link Add}, {@link Mul}) on oneDNN's binary primitive, either input broadcast
 * along its dims of size 1 ({@link Broadcast}). An input of the output's dims goes first, since oneDNN broadcasts the
 * second best; the output and the second input take the layout oneDNN derives from it (the second reordered into it
 * before each forward when it comes in another).
 * <p>Backward mirrors the broadcast: y = a + b gives da = dy and db = dy, y = a * b gives da = dy * b and
 * db = dy * a; each is summed (a oneDNN reduction) over the dims along which its input was broadcast, or reordered
 * into its input's layout where it was not.
 */
final class BinaryPlan implements LayerPlan {
    private final PlanContext context;
    private final String op;
    private final Algorithm algorithm;
    private final List<Tensor> inputs;
    private final boolean training;
    /** The index of the input that is the binary's first source; the other is its second. */
    private final int first;
    /** The second input as the binary reads it, in the layout oneDNN derives from the first's. */
    private final Relayout second;
    private final Tensor output;
    private final Step forward;
    private final Tensor[] gradInputs = new Tensor[2];
    private final List<Step> backward = new ArrayList<>();
    private boolean bound;

    BinaryPlan(PlanContext context, String op, Algorithm algorithm, List<Tensor> inputs, Mode mode,
               boolean needGradInput) {
        if (algorithm != Algorithm.BINARY_ADD && algorithm != Algorithm.BINARY_MUL) {
            throw new IllegalArgumentException(op + ": a binary plan adds or multiplies, got " + algorithm);
        }
        if (inputs.size() != 2) throw new IllegalArgumentException(op + " reads two inputs, got " + inputs.size());
        this.context = context;
        this.op = op;
        this.algorithm = algorithm;
        this.inputs = List.copyOf(inputs);
        this.training = mode == Mode.TRAINING && needGradInput;
        long[] dims = Broadcast.outputShape(op, inputs.stream().map(Tensor::dims).toList());
        this.first = Arrays.equals(inputs.get(0).dims(), dims) || !Arrays.equals(inputs.get(1).dims(), dims) ? 0 : 1;
        Tensor src0 = inputs.get(first);
        Tensor src1 = inputs.get(1 - first);
        Arena arena = context.arena();
        // With a first input of the full dims, the output and the second take the layout oneDNN derives from the
        // first: its jit kernels want both sources alike (a plain per-channel second beside a blocked first runs in
        // the reference kernel). When both are broadcast, layouts derived from their size-1 dims are ill-defined:
        // the output is plain and the second stays as it is.
        boolean fullFirst = Arrays.equals(src0.dims(), dims);
        MemoryDesc outputDesc = MemoryDesc.of(arena, src0.dataType(), fullFirst ? FormatTag.ANY
                : Tensor.plainTag(dims.length), dims);
        MemoryDesc secondDesc = fullFirst ? PrimitiveDescs.binary(arena, algorithm, src0.desc(),
                MemoryDesc.of(arena, src1.dataType(), FormatTag.ANY, src1.dims()), outputDesc,
                new PrimitiveAttr(arena)).query(Query.SRC, 1) : src1.desc();
        second = Relayout.of(context, op, "input " + (1 - first), src1, secondDesc);
        PrimitiveDesc desc = PrimitiveDescs.binary(arena, algorithm, src0.desc(), second.tensor().desc(), outputDesc,
                new PrimitiveAttr(arena));
        output = Tensor.of(arena, desc.query(Query.DST));
        forward = Step.of(context, desc).arg(Arg.SRC, src0).arg(Arg.SRC_1, second.tensor()).arg(Arg.DST, output)
                .build();
    }

    @Override
    public Tensor output() {
        return output;
    }

    @Override
    public void forward() {
        second.run(context.stream());
        forward.run(context.stream());
    }

    @Override
    public Tensor gradInput() {
        return gradInput(0);
    }

    /** Null in inference plans, in plans built without input gradients, and before {@link #bindGradOutput}. */
    @Override
    public Tensor gradInput(int index) {
        if (index != 0 && index != 1) {
            throw new IndexOutOfBoundsException(op + " has inputs 0 and 1, asked for input " + index);
        }
        return gradInputs[index];
    }

    @Override
    public void bindGradOutput(Tensor gradOutput) {
        if (bound) throw new IllegalStateException("gradient output is already bound");
        Relayout.requireDims(op, "gradient of the output", gradOutput, output.desc());
        bound = true;
        if (!training) return;
        // A product's gradients multiply dy by the other input, computed in the output's layout.
        Tensor dy = gradOutput;
        if (algorithm == Algorithm.BINARY_MUL) {
            Relayout relayout = Relayout.of(context, op, "gradient of the output", gradOutput, output.desc());
            add(relayout.reorder());
            dy = relayout.tensor();
        }
        for (int i = 0; i < 2; i++) gradInputs[i] = bindGradInput(i, dy);
    }

    /** The steps giving input {@code index}'s gradient from {@code dy}, and that gradient, in the input's layout. */
    private Tensor bindGradInput(int index, Tensor dy) {
        Arena arena = context.arena();
        Tensor full = dy;
        if (algorithm == Algorithm.BINARY_MUL) {
            Tensor other = index == first ? second.tensor() : inputs.get(first);
            full = Tensor.of(arena, output.desc());
            PrimitiveDesc product = PrimitiveDescs.binary(arena, Algorithm.BINARY_MUL, dy.desc(), other.desc(),
                    full.desc(), new PrimitiveAttr(arena));
            add(Step.of(context, product).arg(Arg.SRC, dy).arg(Arg.SRC_1, other).arg(Arg.DST, full).build());
        }
        MemoryDesc desc = inputs.get(index).desc();
        if (Arrays.equals(desc.dims(), full.dims())) {
            Relayout relayout = Relayout.of(context, op, "gradient of input " + index, full, desc);
            add(relayout.reorder());
            return relayout.tensor();
        }
        // Broadcast along some dims: each of its elements gave all the outputs along them, so their gradients sum.
        Tensor grad = Tensor.of(arena, desc);
        PrimitiveDesc sum = PrimitiveDescs.reduction(arena, Algorithm.REDUCTION_SUM, full.desc(), desc,
                new PrimitiveAttr(arena));
        add(Step.of(context, sum).arg(Arg.SRC, full).arg(Arg.DST, grad).build());
        return grad;
    }

    private void add(Step step) {
        if (step != null) backward.add(step);
    }

    @Override
    public void backward() {
        if (!bound) throw new IllegalStateException("bindGradOutput must be called before backward");
        for (Step step : backward) step.run(context.stream());
    }
}
