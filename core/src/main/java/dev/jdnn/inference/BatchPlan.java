package dev.jdnn.inference;

import dev.jdnn.runtime.Stream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A compiled model for one batch size on one predictor: the plain NCHW input buffer, the primitives
 * bound to the predictor's buffers, and the plain N x outputs result. {@link #run} only executes.
 */
final class BatchPlan {
    private final int batch;
    private final MemorySegment input;
    private final MemorySegment output;
    private final FloatBuffer inputView;
    private final FloatBuffer outputView;
    private final BoundStep[] steps;
    private final List<String> implementations;

    BatchPlan(int batch, MemorySegment input, MemorySegment output, List<BoundStep> steps,
              List<String> implementations) {
        this.batch = batch;
        this.input = input;
        this.output = output;
        this.inputView = input.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.outputView = output.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.steps = steps.toArray(BoundStep[]::new);
        this.implementations = List.copyOf(implementations);
    }

    int batch() {
        return batch;
    }

    /** Where the images go before {@link #run}: batch x C x H x W floats, plain. */
    MemorySegment input() {
        return input;
    }

    /** The results after {@link #run}: batch x outputs floats, plain. */
    MemorySegment output() {
        return output;
    }

    /** {@link #input()} as a float buffer, for copies from buffers with absolute bulk puts. */
    FloatBuffer inputView() {
        return inputView;
    }

    /** {@link #output()} as a float buffer. */
    FloatBuffer outputView() {
        return outputView;
    }

    void run(Stream stream) {
        for (BoundStep step : steps) step.run(stream);
        stream.waitAll();
    }

    /** The steps in execution order, e.g. to time them one by one. */
    List<BoundStep> steps() {
        return List.of(steps);
    }

    /** How many of the steps are reorders (layout or type conversions between primitives). */
    int reorderCount() {
        int n = 0;
        for (BoundStep step : steps) if (step.kind() == BoundStep.Kind.REORDER) n++;
        return n;
    }

    /** The implementation oneDNN chose for each step, in order, e.g. {@code brg_conv_fwd:avx512_core}. */
    List<String> implementations() {
        return implementations;
    }
}
