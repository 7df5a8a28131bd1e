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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * Batch normalization on oneDNN for both {@link BatchNorm2D} and {@link BatchNorm1D} (oneDNN normalizes
 * over every dim but the second, so N x C x H x W and N x C are the same primitive).
 * <p>The primitive works in the input's own layout, blocked or plain, so src, dst and their gradients
 * all share the input's descriptor and no reorder is ever needed for the data. Scale, shift and the
 * statistics are plain per-channel vectors bound straight to the parameter storage.
 * <p>Training: forward_training computes the batch mean and (biased) variance into {@link #mean} and
 * {@link #variance}, which backward reads; the running averages are then updated in Java over those
 * small vectors. Inference: forward_inference with global statistics reads the running averages.
 */
final class BatchNormPlan implements LayerPlan {
    /** Channels whose running statistics are updated at a time, through the arrays runningMeans and the like. */
    private static final int STATISTICS_CHUNK = 1024;

    private final String layerName;
    private final PlanContext context;
    private final Mode mode;
    private final float epsilon;
    private final double momentum;
    private final long channels;
    private final float[] runningMeans;
    private final float[] runningVariances;
    private final float[] batchMeans;
    private final float[] batchVariances;
    /** Values per channel in one batch (N * H * W): the n of the unbiased variance n / (n - 1). */
    private final long valuesPerChannel;
    private final Tensor input;
    private final Tensor output;
    private final Tensor scale;
    private final Tensor shift;
    private final Parameter scaleParam;
    private final Parameter shiftParam;
    private final MemorySegment runningMean;
    private final MemorySegment runningVariance;
    private final MemoryDesc statsDesc;
    private final PrimitiveDesc forwardDesc;
    private final Step forward;
    /** The batch statistics of the last training forward (training plans only): what backward needs. */
    private final Tensor mean;
    private final Tensor variance;
    private final boolean needGradInput;
    private final boolean fuseRelu;
    /** Where the fused ReLU cut, from the training forward; null without fusion or in inference. */
    private final Tensor workspace;

    private Tensor gradInput;
    private Step gradOutputReorder;
    private Step backward;
    private Step gradInputReorder;

    BatchNormPlan(BatchNorm layer, PlanContext context, Tensor input, Mode mode, List<Parameter> parameters,
                  boolean needGradInput, boolean fuseRelu) {
        this.layerName = layer.name();
        this.context = context;
        this.mode = mode;
        this.input = input;
        this.epsilon = (float) layer.epsilon();
        this.momentum = layer.momentum();
        this.channels = layer.channels();
        int n = mode == Mode.TRAINING ? (int) Math.min(STATISTICS_CHUNK, channels) : 0;
        runningMeans = new float[n];
        runningVariances = new float[n];
        batchMeans = new float[n];
        batchVariances = new float[n];
        this.needGradInput = needGradInput && mode == Mode.TRAINING;
        this.fuseRelu = fuseRelu;
        long[] dims = input.dims();
        valuesPerChannel = input.elementCount() / dims[1];
        if (mode == Mode.TRAINING && valuesPerChannel < 2) {
            // PyTorch refuses this too: the batch variance of one value is 0 and its unbiased form undefined.
            throw new IllegalArgumentException(layerName + " needs more than 1 value per channel to train, got input "
                    + Arrays.toString(dims));
        }
        scaleParam = parameters.get(0);
        shiftParam = parameters.get(1);
        runningMean = parameters.get(2).value();
        runningVariance = parameters.get(3).value();

        Arena arena = context.arena();
        statsDesc = MemoryDesc.of(arena, DataType.F32, FormatTag.A, channels);
        scale = vector(scaleParam.value());
        shift = vector(shiftParam.value());
        boolean training = mode == Mode.TRAINING;
        PropKind prop = training ? PropKind.FORWARD_TRAINING : PropKind.FORWARD_INFERENCE;
        forwardDesc = PrimitiveDescs.batchNormForward(arena, prop, input.desc(), input.desc(), epsilon, !training,
                fuseRelu, new PrimitiveAttr(arena));
        output = Tensor.of(arena, forwardDesc.query(Query.DST));
        mean = training ? Tensor.of(arena, statsDesc) : vector(runningMean);
        variance = training ? Tensor.of(arena, statsDesc) : vector(runningVariance);
        // With ReLU fused, training keeps oneDNN's workspace (where the ReLU cut) for backward.
        MemoryDesc workspaceDesc = fuseRelu && training ? forwardDesc.query(Query.WORKSPACE) : null;
        workspace = workspaceDesc == null ? null : Tensor.of(arena, workspaceDesc);
        Step.Binder binder = Step.of(context, forwardDesc).arg(Arg.SRC, input).arg(Arg.DST, output)
                .arg(Arg.SCALE, scale).arg(Arg.SHIFT, shift).arg(Arg.MEAN, mean).arg(Arg.VARIANCE, variance);
        if (workspace != null) binder.arg(Arg.WORKSPACE, workspace);
        forward = binder.build();
        if (this.needGradInput) {
            gradInput = Tensor.of(arena, input.desc());
        }
    }

    /** Checks the hyper-parameters shared by both batch-norm layers. */
    static void validate(String channelsName, long channels, double momentum, double epsilon) {
        Shapes.requirePositive(channelsName, channels);
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1], got " + momentum);
        }
        if (!(epsilon > 0 && Double.isFinite(epsilon))) {
            throw new IllegalArgumentException("epsilon must be > 0 and finite, got " + epsilon);
        }
    }

    private Tensor vector(MemorySegment storage) {
        return Tensor.wrap(new Memory(statsDesc, context.engine(), context.arena(), storage));
    }

    @Override
    public Tensor output() {
        return output;
    }

    @Override
    public void forward() {
        forward.run(context.stream());
        if (mode == Mode.TRAINING) {
            context.stream().waitAll(); // the statistics are read from Java next
            updateRunningStatistics();
        }
    }

    /**
     * running = momentum * running + (1 - momentum) * batch, with the unbiased batch variance for the
     * running variance (PyTorch's convention) although the batch was normalized with the biased one.
     */
    private void updateRunningStatistics() {
        for (long first = 0; first < channels; first += STATISTICS_CHUNK) {
            updateRunningStatistics(first, (int) Math.min(STATISTICS_CHUNK, channels - first));
        }
    }

    /**
     * The update for {@code n} channels from {@code first}, through heap arrays: the same loop over the four native
     * segments took C2 0.3-1 s to compile, on one of the two cores training ran on, in the first timed epoch.
     */
    private void updateRunningStatistics(long first, int n) {
        long offset = first * Float.BYTES;
        MemorySegment.copy(runningMean, ValueLayout.JAVA_FLOAT, offset, runningMeans, 0, n);
        MemorySegment.copy(runningVariance, ValueLayout.JAVA_FLOAT, offset, runningVariances, 0, n);
        MemorySegment.copy(mean.segment(), ValueLayout.JAVA_FLOAT, offset, batchMeans, 0, n);
        MemorySegment.copy(variance.segment(), ValueLayout.JAVA_FLOAT, offset, batchVariances, 0, n);
        double unbias = valuesPerChannel / (valuesPerChannel - 1.0);
        double keep = momentum;
        double take = 1 - momentum;
        for (int c = 0; c < n; c++) {
            runningMeans[c] = (float) (keep * runningMeans[c] + take * batchMeans[c]);
            runningVariances[c] = (float) (keep * runningVariances[c] + take * unbias * batchVariances[c]);
        }
        MemorySegment.copy(runningMeans, 0, runningMean, ValueLayout.JAVA_FLOAT, offset, n);
        MemorySegment.copy(runningVariances, 0, runningVariance, ValueLayout.JAVA_FLOAT, offset, n);
    }

    @Override
    public Tensor gradInput() {
        return gradInput;
    }

    @Override
    public void bindGradOutput(Tensor gradOutput) {
        if (mode != Mode.TRAINING) {
            throw new IllegalStateException(layerName + " was planned for inference and has no backward");
        }
        if (backward != null) throw new IllegalStateException("gradient output is already bound");
        Arena arena = context.arena();
        PrimitiveDesc backwardDesc = PrimitiveDescs.batchNormBackward(arena, input.desc(), output.desc(),
                input.desc(), epsilon, fuseRelu, forwardDesc, new PrimitiveAttr(arena));
        Tensor diffDst = Step.inLayout(context, gradOutput, backwardDesc.query(Query.DIFF_DST));
        gradOutputReorder = Step.reorder(context, gradOutput, diffDst);
        // oneDNN's backward always computes diff_src; without a gradInput it goes to a private buffer.
        Tensor diffSrc = needGradInput ? Step.inLayout(context, gradInput, backwardDesc.query(Query.DIFF_SRC))
                : Tensor.of(arena, backwardDesc.query(Query.DIFF_SRC));
        if (needGradInput) gradInputReorder = Step.reorder(context, diffSrc, gradInput);
        Step.Binder binder = Step.of(context, backwardDesc).arg(Arg.SRC, input).arg(Arg.MEAN, mean)
                .arg(Arg.VARIANCE, variance).arg(Arg.DIFF_DST, diffDst).arg(Arg.SCALE, scale)
                .arg(Arg.DIFF_SRC, diffSrc).arg(Arg.DIFF_SCALE, vector(scaleParam.grad()))
                .arg(Arg.DIFF_SHIFT, vector(shiftParam.grad()));
        if (workspace != null) binder.arg(Arg.WORKSPACE, workspace);
        backward = binder.build();
    }

    @Override
    public void backward() {
        if (backward == null) throw new IllegalStateException("bindGradOutput must be called before backward");
        if (gradOutputReorder != null) gradOutputReorder.run(context.stream());
        backward.run(context.stream());
        if (gradInputReorder != null) gradInputReorder.run(context.stream());
    }
}
