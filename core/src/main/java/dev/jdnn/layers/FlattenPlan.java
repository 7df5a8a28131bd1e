package dev.jdnn.layers;

import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.Memory;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.tensor.Tensor;

/** Flatten as views over plain buffers; one reorder each way only when the input layout is blocked. */
final class FlattenPlan implements LayerPlan {
    private final PlanContext context;
    private final Tensor plainInput;
    private final Step toPlain;
    private final Tensor output;
    private final MemoryDesc inputDesc;
    private final boolean needGradInput;
    private Tensor gradInput;
    private Step gradToInputLayout;

    FlattenPlan(PlanContext context, Tensor input, long features, Mode mode, boolean needGradInput) {
        this.context = context;
        this.needGradInput = needGradInput && mode == Mode.TRAINING;
        long[] dims = input.dims();
        plainInput = input.isPlain() ? input : Tensor.plain(context.arena(), DataType.F32, dims);
        toPlain = Step.reorder(context, input, plainInput);
        output = view(plainInput, dims[0], features);
        inputDesc = input.desc();
    }

    private Tensor view(Tensor plain, long... dims) {
        return Tensor.wrap(new Memory(plain.desc().reshape(context.arena(), dims), context.engine(), context.arena(),
                plain.segment()));
    }

    @Override
    public Tensor output() {
        return output;
    }

    @Override
    public void forward() {
        if (toPlain != null) toPlain.run(context.stream());
    }

    @Override
    public Tensor gradInput() {
        return gradInput;
    }

    @Override
    public void bindGradOutput(Tensor gradOutput) {
        if (!needGradInput) return;
        if (!gradOutput.isPlain()) {
            // Layers give gradients in the layout of their input, and flatten's output is plain.
            throw new IllegalStateException("flatten expects a plain gradient, got a blocked one");
        }
        Tensor asInput = view(gradOutput, inputDesc.dims());
        if (asInput.desc().sameAs(inputDesc)) {
            gradInput = asInput;
        } else {
            gradInput = Tensor.of(context.arena(), inputDesc);
            gradToInputLayout = Step.reorder(context, asInput, gradInput);
        }
    }

    @Override
    public void backward() {
        if (gradToInputLayout != null) gradToInputLayout.run(context.stream());
    }
}
