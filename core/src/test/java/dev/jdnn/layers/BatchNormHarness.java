package dev.jdnn.layers;

import dev.jdnn.runtime.CountingArena;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.Stream;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Runs one layer plan on a plain input: builds its parameter block and plan, feeds a plain input, and
 * reads the output, the input gradient and the parameters back in plain order, reordering where the
 * plan chose other layouts.
 */
final class BatchNormHarness implements AutoCloseable {
    final CountingArena arena = new CountingArena();
    final PlanContext context = new PlanContext(arena, Engine.cpu(), new Stream(Engine.cpu(), arena));
    final ParameterBlock block;
    final Tensor input;
    final LayerPlan plan;
    private final Tensor plainOutput;
    private final Step outputReorder;
    private Tensor gradOutput;
    private Tensor plainGradInput;
    private Step gradInputReorder;

    BatchNormHarness(BatchNorm layer, long[] inputDims, Mode mode) {
        try {
            block = new ParameterBlock(layer.parameters(Shapes.perSample(inputDims)), arena);
            BatchNorm.initialize(block.parameters());
            input = Tensor.plain(arena, DataType.F32, inputDims);
            plan = layer.plan(context, input, mode, block.parameters(), true);
            plainOutput = Tensor.plain(arena, DataType.F32, plan.output().dims());
            outputReorder = Step.reorder(context, plan.output(), plainOutput);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    void input(float[] values) {
        input.copyFrom(values);
    }

    /** Overwrites parameter {@code index} (0 scale, 1 shift, 2 running mean, 3 running variance). */
    void parameter(int index, float[] values) {
        MemorySegment.copy(values, 0, block.parameters().get(index).value(), ValueLayout.JAVA_FLOAT, 0, values.length);
    }

    float[] parameter(int index) {
        return block.parameters().get(index).value().toArray(ValueLayout.JAVA_FLOAT);
    }

    float[] grad(int index) {
        return block.parameters().get(index).grad().toArray(ValueLayout.JAVA_FLOAT);
    }

    float[] forward() {
        plan.forward();
        return plainOutputNow();
    }

    /** The output of the last forward, in plain order. */
    float[] plainOutputNow() {
        if (outputReorder == null) return plan.output().toArray();
        outputReorder.run(context.stream());
        context.stream().waitAll();
        return plainOutput.toArray();
    }

    /** Runs backward for a plain gradient of the output; returns the input gradient in plain order. */
    float[] backward(float[] gradOutputValues) {
        if (gradOutput == null) {
            gradOutput = Tensor.plain(arena, DataType.F32, plan.output().dims());
            plan.bindGradOutput(gradOutput);
            plainGradInput = Tensor.plain(arena, DataType.F32, input.dims());
            gradInputReorder = Step.reorder(context, plan.gradInput(), plainGradInput);
        }
        gradOutput.copyFrom(gradOutputValues);
        plan.backward();
        if (gradInputReorder == null) return plan.gradInput().toArray();
        gradInputReorder.run(context.stream());
        context.stream().waitAll();
        return plainGradInput.toArray();
    }

    @Override
    public void close() {
        arena.close();
    }
}
