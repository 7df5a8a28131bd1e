package dev.jdnn.layers;

import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.Memory;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.PrimitiveDescs;
import dev.jdnn.runtime.PropKind;
import dev.jdnn.runtime.Query;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.Arena;

/**
 * Inner product forward, backward data and backward weights. For a 4-D input the weights are seen as
 * O x C x H x W over the same plain storage (oihw and oi order the floats alike), so the input is read
 * in its own layout without flattening it.
 */
final class DensePlan implements LayerPlan {
    private final PlanContext context;
    private final Tensor input;
    private final Tensor src;
    private final Step inputReorder;
    private final Tensor plainWeights;
    private final Tensor weights;
    private final Step weightsReorder;
    private final Tensor output;
    private final Step forward;
    private final PrimitiveDesc forwardDesc;
    private final Parameter weightParam;
    private final Parameter biasParam;
    private final long[] weightDims;
    private final boolean needGradInput;

    private Tensor gradInput;
    private Step gradOutputReorder;
    private Step backwardData;
    private Step gradInputReorder;
    private Step weightsForDataReorder;
    private Step backwardWeights;
    private Step diffWeightsReorder;

    DensePlan(Dense layer, PlanContext context, Tensor input, Mode mode, Parameter weight, Parameter bias,
              boolean needGradInput) {
        this.context = context;
        this.input = input;
        this.weightParam = weight;
        this.biasParam = bias;
        this.needGradInput = needGradInput && mode == Mode.TRAINING;
        Arena arena = context.arena();
        long[] in = input.dims();
        weightDims = in.length == 4 ? new long[] {layer.outFeatures(), in[1], in[2], in[3]}
                : new long[] {layer.outFeatures(), layer.inFeatures()};
        FormatTag plainTag = in.length == 4 ? FormatTag.OIHW : FormatTag.OI;
        MemoryDesc srcAny = MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, in);
        MemoryDesc weightsAny = MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, weightDims);
        MemoryDesc biasDesc = MemoryDesc.of(arena, DataType.F32, FormatTag.A, layer.outFeatures());
        MemoryDesc dstDesc = MemoryDesc.of(arena, DataType.F32, FormatTag.NC, in[0], layer.outFeatures());
        PropKind prop = mode == Mode.TRAINING ? PropKind.FORWARD_TRAINING : PropKind.FORWARD_INFERENCE;
        forwardDesc = PrimitiveDescs.innerProductForward(arena, prop, srcAny, weightsAny, biasDesc, dstDesc,
                new PrimitiveAttr(arena));
        src = Step.inLayout(context, input, forwardDesc.query(Query.SRC));
        inputReorder = Step.reorder(context, input, src);
        plainWeights = Tensor.wrap(new Memory(MemoryDesc.of(arena, DataType.F32, plainTag, weightDims),
                context.engine(), arena, weight.value()));
        weights = Step.inLayout(context, plainWeights, forwardDesc.query(Query.WEIGHTS));
        weightsReorder = Step.reorder(context, plainWeights, weights);
        Tensor biasTensor = Tensor.wrap(new Memory(biasDesc, context.engine(), arena, bias.value()));
        output = Tensor.of(arena, forwardDesc.query(Query.DST));
        forward = Step.of(context, forwardDesc).arg(Arg.SRC, src).arg(Arg.WEIGHTS, weights)
                .arg(Arg.BIAS, biasTensor).arg(Arg.DST, output).build();
        if (this.needGradInput) {
            gradInput = Tensor.of(arena, input.desc());
        }
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
        MemoryDesc weightsAny = MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, weightDims);
        MemoryDesc biasDesc = MemoryDesc.of(arena, DataType.F32, FormatTag.A, biasParam.spec().dims());
        PrimitiveDesc weightsDesc = PrimitiveDescs.innerProductBackwardWeights(arena, src.desc(), weightsAny,
                biasDesc, output.desc(), forwardDesc, new PrimitiveAttr(arena));
        Tensor diffDst = Step.inLayout(context, gradOutput, weightsDesc.query(Query.DIFF_DST));
        gradOutputReorder = Step.reorder(context, gradOutput, diffDst);
        Tensor plainGrad = Tensor.wrap(new Memory(plainWeights.desc(), context.engine(), arena, weightParam.grad()));
        Tensor diffWeights = Step.inLayout(context, plainGrad, weightsDesc.query(Query.DIFF_WEIGHTS));
        diffWeightsReorder = Step.reorder(context, diffWeights, plainGrad);
        Tensor diffBias = Tensor.wrap(new Memory(biasDesc, context.engine(), arena, biasParam.grad()));
        backwardWeights = Step.of(context, weightsDesc).arg(Arg.SRC, src).arg(Arg.DIFF_DST, diffDst)
                .arg(Arg.DIFF_WEIGHTS, diffWeights).arg(Arg.DIFF_BIAS, diffBias).build();
        if (needGradInput) {
            MemoryDesc srcAny = MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, input.dims());
            PrimitiveDesc dataDesc = PrimitiveDescs.innerProductBackwardData(arena, srcAny, weightsAny,
                    diffDst.desc(), forwardDesc, new PrimitiveAttr(arena));
            Tensor dataWeights = Step.inLayout(context, weights, dataDesc.query(Query.WEIGHTS));
            weightsForDataReorder = Step.reorder(context, weights, dataWeights);
            Tensor diffSrc = Step.inLayout(context, gradInput, dataDesc.query(Query.DIFF_SRC));
            gradInputReorder = Step.reorder(context, diffSrc, gradInput);
            backwardData = Step.of(context, dataDesc).arg(Arg.DIFF_DST, diffDst).arg(Arg.WEIGHTS, dataWeights)
                    .arg(Arg.DIFF_SRC, diffSrc).build();
        }
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
