package dev.jdnn.layers;

import dev.jdnn.runtime.Algorithm;
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
import java.util.Arrays;

/**
 * Pooling forward and backward on oneDNN. Pooling runs on any layout, so the input is read as it is and
 * the output takes the same layout family (dst 'any'): no reorder on the forward path. A plan that will
 * run backward computes forward_training, which for max pooling fills the workspace (where each maximum
 * came from) that backward routes the gradient through; other plans use forward_inference.
 */
final class PoolingPlan implements LayerPlan {
    private final PlanContext context;
    private final String layerName;
    private final Algorithm algorithm;
    private final long[] strides;
    private final long[] kernel;
    private final long[] padBefore;
    private final long[] padAfter;
    private final Tensor input;
    private final Tensor output;
    private final PrimitiveDesc forwardDesc;
    private final Memory workspace;
    private final Step forward;
    private final boolean needGradInput;

    private Tensor gradInput;
    private Step gradOutputReorder;
    private Step backward;

    /**
     * @param layerName the layer's name, for error messages
     * @param pads padding before (top, left) and after (bottom, right)
     */
    PoolingPlan(String layerName, Algorithm algorithm, long[] kernel, long[] strides, long[][] pads,
                PlanContext context, Tensor input, long[] outDims, Mode mode, boolean needGradInput) {
        this.context = context;
        this.layerName = layerName;
        this.input = input;
        this.algorithm = algorithm;
        this.strides = strides;
        this.kernel = kernel;
        this.padBefore = pads[0];
        this.padAfter = pads[1];
        this.needGradInput = needGradInput && mode == Mode.TRAINING;
        Arena arena = context.arena();
        MemoryDesc dstAny = MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, outDims);
        PropKind prop = this.needGradInput ? PropKind.FORWARD_TRAINING : PropKind.FORWARD_INFERENCE;
        forwardDesc = PrimitiveDescs.poolingForward(arena, prop, algorithm, input.desc(), dstAny, strides, kernel,
                padBefore, padAfter, new PrimitiveAttr(arena));
        output = Tensor.of(arena, forwardDesc.query(Query.DST));
        Step.Binder step = Step.of(context, forwardDesc).arg(Arg.SRC, input).arg(Arg.DST, output);
        MemoryDesc workspaceDesc = forwardDesc.query(Query.WORKSPACE);
        if (workspaceDesc != null && workspaceDesc.byteSize() > 0) {
            workspace = new Memory(workspaceDesc, context.engine(), arena);
            step.arg(Arg.WORKSPACE, workspace);
        } else {
            workspace = null;
        }
        forward = step.build();
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
        forward.run(context.stream());
    }

    @Override
    public Tensor gradInput() {
        return gradInput;
    }

    @Override
    public void bindGradOutput(Tensor gradOutput) {
        if (!needGradInput) return; // no parameters: without an input gradient there is nothing to compute
        if (backward != null) throw new IllegalStateException("gradient output is already bound");
        if (!Arrays.equals(gradOutput.dims(), output.dims())) {
            throw new IllegalArgumentException(layerName + " expects a gradient of shape " + Arrays.toString(output.dims())
                    + ", got " + Arrays.toString(gradOutput.dims()));
        }
        Arena arena = context.arena();
        MemoryDesc diffDstAny = MemoryDesc.of(arena, DataType.F32, FormatTag.ANY, output.dims());
        PrimitiveDesc backwardDesc = PrimitiveDescs.poolingBackward(arena, algorithm, input.desc(), diffDstAny,
                strides, kernel, padBefore, padAfter, forwardDesc, new PrimitiveAttr(arena));
        Tensor diffDst = Step.inLayout(context, gradOutput, backwardDesc.query(Query.DIFF_DST));
        gradOutputReorder = Step.reorder(context, gradOutput, diffDst);
        Step.Binder step = Step.of(context, backwardDesc).arg(Arg.DIFF_DST, diffDst).arg(Arg.DIFF_SRC, gradInput);
        if (workspace != null) step.arg(Arg.WORKSPACE, workspace);
        backward = step.build();
    }

    @Override
    public void backward() {
        if (!needGradInput) return;
        if (backward == null) throw new IllegalStateException("bindGradOutput must be called before backward");
        if (gradOutputReorder != null) gradOutputReorder.run(context.stream());
        backward.run(context.stream());
    }
}
