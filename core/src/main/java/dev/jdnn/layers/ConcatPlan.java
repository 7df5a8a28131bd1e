package dev.jdnn.layers;

import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.Memory;
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
 * Inputs joined along tensor axis 1 ({@link Concat}) by oneDNN's concat primitive. The output is blocked by 16
 * channels when an input is (a convolution's output) and every input starts on a block, so that each input's part
 * of the output, and of its gradient, is a submemory of whole blocks; else plain. (oneDNN's own choice derives a
 * layout from the first blocked input's strides, which for a single block of channels comes out as Bacd16b.)
 * <p>Backward: each input's gradient is its part of the output gradient, read through a submemory view of it and
 * reordered into the input's layout.
 */
final class ConcatPlan implements LayerPlan {
    /** The tensor axis the inputs are joined along: the first per-sample dim. */
    private static final int AXIS = 1;
    /** The channels of a block of {@link FormatTag#NCHW16C}. */
    private static final long BLOCK = 16;

    private final PlanContext context;
    private final String op;
    private final List<Tensor> inputs;
    private final boolean training;
    private final Tensor output;
    private final Step forward;
    private final Tensor[] gradInputs;
    private final List<Step> backward = new ArrayList<>();
    private boolean bound;

    ConcatPlan(PlanContext context, String op, List<Tensor> inputs, Mode mode, boolean needGradInput) {
        requireJoinable(op, inputs);
        this.context = context;
        this.op = op;
        this.inputs = List.copyOf(inputs);
        this.training = mode == Mode.TRAINING && needGradInput;
        this.gradInputs = new Tensor[inputs.size()];
        Arena arena = context.arena();
        PrimitiveDesc desc = PrimitiveDescs.concat(arena, outputDesc(arena, inputs), AXIS,
                inputs.stream().map(Tensor::desc).toList(), new PrimitiveAttr(arena));
        output = Tensor.of(arena, desc.query(Query.DST));
        Step.Binder binder = Step.of(context, desc).arg(Arg.DST, output);
        for (int i = 0; i < inputs.size(); i++) binder.arg(Arg.source(i), inputs.get(i));
        forward = binder.build();
    }

    /** Throws IllegalArgumentException naming {@code op} unless the inputs differ at most along {@link #AXIS}. */
    private static void requireJoinable(String op, List<Tensor> inputs) {
        if (inputs.size() < 2 || inputs.size() > Arg.MAX_SOURCES) {
            throw new IllegalArgumentException(op + " joins 2.." + Arg.MAX_SOURCES + " inputs, got " + inputs.size());
        }
        long[] first = inputs.getFirst().dims();
        for (Tensor input : inputs) {
            long[] dims = input.dims();
            boolean fits = dims.length == first.length && dims.length > AXIS;
            for (int d = 0; fits && d < dims.length; d++) fits = d == AXIS || dims[d] == first[d];
            if (!fits) {
                throw new IllegalArgumentException(op + " needs inputs that differ only in dim " + AXIS
                        + " (their first per-sample dim), got "
                        + inputs.stream().map(t -> Arrays.toString(t.dims())).toList());
            }
        }
    }

    /** The output's layout: see the class comment. */
    private static MemoryDesc outputDesc(Arena arena, List<Tensor> inputs) {
        long[] dims = inputs.getFirst().dims();
        dims[AXIS] = 0;
        boolean onBlocks = true;
        boolean blockedInput = false;
        DataType type = inputs.getFirst().dataType();
        try (Arena scratch = Arena.ofConfined()) {
            for (Tensor input : inputs) {
                onBlocks &= dims[AXIS] % BLOCK == 0;
                dims[AXIS] += input.dim(AXIS);
                blockedInput |= dims.length == 4
                        && input.desc().sameAs(MemoryDesc.of(scratch, type, FormatTag.NCHW16C, input.dims()));
            }
        }
        FormatTag tag = blockedInput && onBlocks ? FormatTag.NCHW16C : Tensor.plainTag(dims.length);
        return MemoryDesc.of(arena, type, tag, dims);
    }

    @Override
    public Tensor output() {
        return output;
    }

    @Override
    public void forward() {
        forward.run(context.stream());
    }

    @Override
    public Tensor gradInput() {
        return gradInput(0);
    }

    /** Null in inference plans, in plans built without input gradients, and before {@link #bindGradOutput}. */
    @Override
    public Tensor gradInput(int index) {
        if (index < 0 || index >= gradInputs.length) {
            throw new IndexOutOfBoundsException(op + " has inputs 0.." + (gradInputs.length - 1) + ", asked for input "
                    + index);
        }
        return gradInputs[index];
    }

    @Override
    public void bindGradOutput(Tensor gradOutput) {
        if (bound) throw new IllegalStateException("gradient output is already bound");
        Relayout.requireDims(op, "gradient of the output", gradOutput, output.desc());
        bound = true;
        if (!training) return;
        // In the output's layout, where each input's part is a submemory (see the class comment).
        Relayout dy = Relayout.of(context, op, "gradient of the output", gradOutput, output.desc());
        add(dy.reorder());
        Arena arena = context.arena();
        long[] offsets = new long[output.dims().length];
        for (int i = 0; i < inputs.size(); i++) {
            MemoryDesc desc = inputs.get(i).desc();
            MemoryDesc part = output.desc().submemory(arena, desc.dims(), offsets);
            Tensor view = Tensor.wrap(new Memory(part, context.engine(), arena, dy.tensor().segment()));
            gradInputs[i] = Step.inLayout(context, view, desc);
            add(Step.reorder(context, view, gradInputs[i]));
            offsets[AXIS] += desc.dims()[AXIS];
        }
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
