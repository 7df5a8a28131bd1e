package dev.jdnn.layers;

import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.DnnlException;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.Memory;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.PropKind;
import dev.jdnn.runtime.Query;
import dev.jdnn.runtime.Status;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.util.function.Supplier;

/**
 * A layer with weights and a bias on one oneDNN primitive family (convolution, inner product): forward,
 * backward data and backward weights, with the layouts oneDNN prefers (format any) inside and reorders only
 * where they differ from the input, the stored weights or the incoming gradient. The weights are stored plain
 * in the model's flat block, or, for training plans of a network, in the layout the network's
 * {@link KernelLayouts} chose; where the primitive wants another layout they are reordered before each forward,
 * and their gradient back into the block's layout after each backward. Without a bias parameter the primitives
 * get no bias descriptor: oneDNN then adds none and computes no bias gradient.
 */
final class WeightedPlan implements LayerPlan {
    /** Makes the three primitive descriptors of one family; a layer supplies its geometry through it. */
    interface Primitives {
        PrimitiveDesc forward(Arena arena, PropKind prop, MemoryDesc src, MemoryDesc weights, MemoryDesc bias,
                              MemoryDesc dst);

        PrimitiveDesc backwardWeights(Arena arena, MemoryDesc src, MemoryDesc diffWeights, MemoryDesc diffBias,
                                      MemoryDesc diffDst, PrimitiveDesc hint);

        PrimitiveDesc backwardData(Arena arena, MemoryDesc diffSrc, MemoryDesc weights, MemoryDesc diffDst,
                                   PrimitiveDesc hint);
    }

    private final PlanContext context;
    private final Primitives primitives;
    private final Tensor input;
    private final Tensor src;
    private final Step inputReorder;
    private final Tensor storedWeights;
    private final Tensor weights;
    private final Step weightsReorder;
    private final Tensor output;
    private final Step forward;
    private final PrimitiveDesc forwardDesc;
    private final Parameter weightParam;
    private final Parameter biasParam;
    private final boolean needGradInput;

    private Tensor gradInput;
    private Step gradOutputReorder;
    private Step backwardData;
    private Step gradInputReorder;
    private Step weightsForDataReorder;
    private Step backwardWeights;
    private Step diffWeightsReorder;

    /**
     * @param weightDims the weights' dimensions as the primitive sees them, plain as {@code plainTag}
     * @param dst the output descriptor to ask for (format any, or a fixed plain one)
     * @param bias the bias, or null for a layer without one
     */
    WeightedPlan(PlanContext context, Primitives primitives, Tensor input, long[] weightDims, FormatTag plainTag,
                 MemoryDesc dst, Mode mode, Parameter weight, Parameter bias, boolean needGradInput) {
        this.context = context;
        this.primitives = primitives;
        this.input = input;
        this.weightParam = weight;
        this.biasParam = bias;
        this.needGradInput = needGradInput && mode == Mode.TRAINING;
        Arena arena = context.arena();
        MemoryDesc biasDesc = biasDesc();
        PropKind prop = mode == Mode.TRAINING ? PropKind.FORWARD_TRAINING : PropKind.FORWARD_INFERENCE;
        forwardDesc = primitives.forward(arena, prop, any(input.dims()), any(weightDims), biasDesc, dst);
        src = Step.inLayout(context, input, forwardDesc.query(Query.SRC));
        inputReorder = Step.reorder(context, input, src);
        MemoryDesc plain = MemoryDesc.of(arena, DataType.F32, plainTag, weightDims);
        MemoryDesc stored = mode == Mode.TRAINING && context.layouts() != null
                ? context.layouts().storage(weight, plain, forwardDesc.query(Query.WEIGHTS)) : plain;
        storedWeights = Tensor.wrap(new Memory(stored, context.engine(), arena, weight.value()));
        weights = Step.inLayout(context, storedWeights, forwardDesc.query(Query.WEIGHTS));
        weightsReorder = Step.reorder(context, storedWeights, weights);
        output = Tensor.of(arena, forwardDesc.query(Query.DST));
        Step.Binder binder = Step.of(context, forwardDesc).arg(Arg.SRC, src).arg(Arg.WEIGHTS, weights)
                .arg(Arg.DST, output);
        if (bias != null) binder.arg(Arg.BIAS, new Memory(biasDesc, context.engine(), arena, bias.value()));
        forward = binder.build();
        if (this.needGradInput) gradInput = Tensor.of(arena, input.desc());
    }

    /** The bias's plain descriptor, or null (no bias) for a layer without one. */
    private MemoryDesc biasDesc() {
        return biasParam == null ? null
                : MemoryDesc.of(context.arena(), DataType.F32, FormatTag.A, biasParam.spec().dims());
    }

    private MemoryDesc any(long[] dims) {
        return MemoryDesc.of(context.arena(), DataType.F32, FormatTag.ANY, dims);
    }

    @Override
    public Tensor output() {
        return output;
    }

    @Override
    public void forward() {
        if (inputReorder != null) inputReorder.run(context.stream());
        if (weightsReorder != null) weightsReorder.run(context.stream());
        forward.run(context.stream());
    }

    @Override
    public Tensor gradInput() {
        return gradInput;
    }

    @Override
    public void bindGradOutput(Tensor gradOutput) {
        if (backwardWeights != null) throw new IllegalStateException("gradient output is already bound");
        Arena arena = context.arena();
        MemoryDesc weightsAny = any(storedWeights.dims());
        MemoryDesc biasDesc = biasDesc();
        PrimitiveDesc weightsDesc = inStoredLayout(primitives.backwardWeights(arena, src.desc(), weightsAny,
                biasDesc, output.desc(), forwardDesc), biasDesc);
        Tensor diffDst = Step.inLayout(context, gradOutput, weightsDesc.query(Query.DIFF_DST));
        gradOutputReorder = Step.reorder(context, gradOutput, diffDst);
        Tensor storedGrad = Tensor.wrap(new Memory(storedWeights.desc(), context.engine(), arena, weightParam.grad()));
        Tensor diffWeights = Step.inLayout(context, storedGrad, weightsDesc.query(Query.DIFF_WEIGHTS));
        diffWeightsReorder = Step.reorder(context, diffWeights, storedGrad);
        Step.Binder binder = Step.of(context, weightsDesc).arg(Arg.SRC, src).arg(Arg.DIFF_DST, diffDst)
                .arg(Arg.DIFF_WEIGHTS, diffWeights);
        if (biasParam != null) {
            binder.arg(Arg.DIFF_BIAS, new Memory(biasDesc, context.engine(), arena, biasParam.grad()));
        }
        backwardWeights = binder.build();
        if (needGradInput) {
            PrimitiveDesc dataDesc = primitives.backwardData(arena, any(input.dims()), weightsAny, diffDst.desc(),
                    forwardDesc);
            Tensor dataWeights = Step.inLayout(context, weights, dataDesc.query(Query.WEIGHTS));
            weightsForDataReorder = Step.reorder(context, weights, dataWeights);
            Tensor diffSrc = Step.inLayout(context, gradInput, dataDesc.query(Query.DIFF_SRC));
            gradInputReorder = Step.reorder(context, diffSrc, gradInput);
            backwardData = Step.of(context, dataDesc).arg(Arg.DIFF_DST, diffDst).arg(Arg.WEIGHTS, dataWeights)
                    .arg(Arg.DIFF_SRC, diffSrc).build();
        }
    }

    /**
     * The backward-weights descriptor that writes the gradient straight in the stored weights' layout, when the
     * weights are stored in a kernel layout and the kernel oneDNN chose for {@code chosen} also takes that layout;
     * else {@code chosen}. Plainly stored weights keep oneDNN's choice: a plain gradient would cost a slower kernel.
     */
    private PrimitiveDesc inStoredLayout(PrimitiveDesc chosen, MemoryDesc biasDesc) {
        if (storedWeights.isPlain() || chosen.query(Query.DIFF_WEIGHTS).sameAs(storedWeights.desc())) return chosen;
        return sameImplementation(chosen, () -> primitives.backwardWeights(context.arena(), src.desc(),
                storedWeights.desc(), biasDesc, output.desc(), forwardDesc));
    }

    /**
     * {@code exact}'s descriptor (one asked for with fixed layouts) when oneDNN offers it with the implementation it
     * chose in {@code chosen} (the same operation with layouts left to it), else {@code chosen}: for other layouts
     * oneDNN may fall back to a far slower implementation.
     */
    static PrimitiveDesc sameImplementation(PrimitiveDesc chosen, Supplier<PrimitiveDesc> exact) {
        try {
            PrimitiveDesc desc = exact.get();
            if (desc.implementation().equals(chosen.implementation())) return desc;
        } catch (DnnlException e) {
            if (e.status() != Status.UNIMPLEMENTED) throw e;
        }
        return chosen;
    }

    @Override
    public void backward() {
        if (backwardWeights == null) throw new IllegalStateException("bindGradOutput must be called before backward");
        if (gradOutputReorder != null) gradOutputReorder.run(context.stream());
        if (backwardData != null) {
            if (weightsForDataReorder != null) weightsForDataReorder.run(context.stream());
            backwardData.run(context.stream());
            if (gradInputReorder != null) gradInputReorder.run(context.stream());
        }
        backwardWeights.run(context.stream());
        if (diffWeightsReorder != null) diffWeightsReorder.run(context.stream());
    }
}
