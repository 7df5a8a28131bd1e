package dev.jdnn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jdnn.runtime.CountingArena;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.Stream;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * Runs one operation (a layer, a Sequential, or a merge of several inputs) the way a model does, with plain Java
 * arrays at the edges: inputs in the layouts asked for (plain, or blocked as a convolution gives them) filled from
 * plain arrays, a flat parameter block, the output reordered to plain for reading, and a gradient of the output
 * handed over in the output's own descriptor (as the next layer would give it).
 */
final class LayerTestBench implements AutoCloseable {
    /** One input of the operation: its dims (batch first) and its layout. */
    record Input(FormatTag layout, long... dims) {
        static Input plain(long... dims) {
            return new Input(Tensor.plainTag(dims.length), dims);
        }

        /** Channels in blocks of 16, the layout convolutions give N x C x H x W values. */
        static Input blocked(long... dims) {
            return new Input(FormatTag.NCHW16C, dims);
        }

        @Override
        public String toString() {
            return Arrays.toString(dims) + " " + layout.name().toLowerCase(Locale.ROOT);
        }
    }

    final Arena arena = new CountingArena();
    final PlanContext context = new PlanContext(arena, Engine.cpu(), new Stream(Engine.cpu(), arena));
    /** The operation's inputs, in their layouts; {@link #input} is the first. */
    final List<Tensor> inputs;
    final Tensor input;
    final ParameterBlock parameters;
    final LayerPlan plan;
    private final Tensor plainOutput;
    private final Step outputToPlain;
    /** Per input: the plain tensor its values are written to, and the reorder into its layout (null if plain). */
    private final Tensor[] plainInputs;
    private final Step[] plainToInputs;
    private Tensor plainGradOutput;
    private Step gradOutputToLayout;
    /** Per input: its gradient in plain order, and the reorder into it (null when the gradient is plain). */
    private Tensor[] plainGradInputs;
    private Step[] gradInputsToPlain;

    LayerTestBench(Layer layer, Mode mode, boolean needGradInput, long... inputDims) {
        this(layer, mode, needGradInput, List.of(Input.plain(inputDims)));
    }

    LayerTestBench(Op op, Mode mode, boolean needGradInput, List<Input> inputs) {
        this.inputs = inputs.stream()
                .map(in -> Tensor.of(arena, MemoryDesc.of(arena, DataType.F32, in.layout(), in.dims()))).toList();
        input = this.inputs.getFirst();
        plainInputs = new Tensor[inputs.size()];
        plainToInputs = new Step[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            Tensor in = this.inputs.get(i);
            plainInputs[i] = in.isPlain() ? in : Tensor.plain(arena, DataType.F32, in.dims());
            plainToInputs[i] = Step.reorder(context, plainInputs[i], in);
        }
        parameters = new ParameterBlock(op.parameters(inputs.stream().map(in -> Shapes.perSample(in.dims()))
                .toList()), arena);
        plan = op.plan(context, this.inputs, mode, parameters.parameters(), needGradInput);
        plainOutput = Tensor.plain(arena, DataType.F32, plan.output().dims());
        outputToPlain = Step.reorder(context, plan.output(), plainOutput);
    }

    static LayerTestBench training(Layer layer, long... inputDims) {
        return new LayerTestBench(layer, Mode.TRAINING, true, inputDims);
    }

    void setParameter(int index, float[] values) {
        MemorySegment.copy(values, 0, parameters.parameters().get(index).value(), ValueLayout.JAVA_FLOAT, 0,
                values.length);
    }

    float[] grad(int index) {
        return parameters.parameters().get(index).grad().toArray(ValueLayout.JAVA_FLOAT);
    }

    List<Parameter> parameterList() {
        return parameters.parameters();
    }

    /** Runs forward on {@code x}, one array per input (plain order, batch first), and returns the plain output. */
    float[] forward(float[]... x) {
        assertEquals(inputs.size(), x.length, "one array per input");
        for (int i = 0; i < x.length; i++) {
            plainInputs[i].copyFrom(x[i]);
            if (plainToInputs[i] != null) plainToInputs[i].run(context.stream());
        }
        plan.forward();
        return plainOutput();
    }

    float[] plainOutput() {
        if (outputToPlain == null) return plan.output().toArray();
        outputToPlain.run(context.stream());
        return plainOutput.toArray();
    }

    /**
     * Runs backward for a plain gradient of the output (binding it on the first call) and returns the
     * gradient of the first input in plain order, or null when the plan computes none.
     */
    float[] backward(float[] gradOutput) {
        if (plainGradOutput == null) {
            plainGradOutput = Tensor.plain(arena, DataType.F32, plan.output().dims());
            Tensor inOutputLayout = Step.inLayout(context, plainGradOutput, plan.output().desc());
            gradOutputToLayout = Step.reorder(context, plainGradOutput, inOutputLayout);
            plan.bindGradOutput(inOutputLayout);
            plainGradInputs = new Tensor[inputs.size()];
            gradInputsToPlain = new Step[inputs.size()];
            for (int i = 0; i < inputs.size(); i++) {
                Tensor gradient = plan.gradInput(i);
                if (gradient == null) continue;
                plainGradInputs[i] = gradient.isPlain() ? gradient : Tensor.plain(arena, DataType.F32, gradient.dims());
                gradInputsToPlain[i] = Step.reorder(context, gradient, plainGradInputs[i]);
            }
        }
        plainGradOutput.copyFrom(gradOutput);
        if (gradOutputToLayout != null) gradOutputToLayout.run(context.stream());
        plan.backward();
        return gradInput(0);
    }

    /** The gradient of input {@code index} that the last backward gave, in plain order; null if the plan has none. */
    float[] gradInput(int index) {
        if (plainGradInputs[index] == null) return null;
        if (gradInputsToPlain[index] != null) gradInputsToPlain[index].run(context.stream());
        return plainGradInputs[index].toArray();
    }

    /** The values of {@code tensor} in plain order, reordered in a scratch copy when it is blocked. */
    float[] plainValues(Tensor tensor) {
        Tensor plain = Tensor.plain(arena, DataType.F32, tensor.dims());
        Step reorder = Step.reorder(context, tensor, plain);
        if (reorder == null) return tensor.toArray();
        reorder.run(context.stream());
        return plain.toArray();
    }

    /** A new tensor in {@code desc} holding {@code values}, given in plain order. */
    Tensor tensorIn(MemoryDesc desc, float[] values) {
        Tensor target = Tensor.of(arena, desc);
        Tensor plain = Tensor.plain(arena, DataType.F32, target.dims());
        plain.copyFrom(values);
        Step reorder = Step.reorder(context, plain, target);
        if (reorder == null) return plain;
        reorder.run(context.stream());
        return target;
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Uniform values in [-1, 1). */
    static float[] random(Random random, long count) {
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) values[i] = random.nextFloat() * 2 - 1;
        return values;
    }

    /**
     * Distinct values spaced {@code gap} apart in random order, so no two inputs of a max-pooling window tie
     * and finite differences with steps below gap / 2 never change which input is the maximum.
     */
    static float[] distinct(Random random, long count, float gap) {
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) values[i] = (i - values.length / 2) * gap;
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            float t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
        return values;
    }

    static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) out[i] = values[i];
        return out;
    }

    /** The scalar the gradient checks differentiate: L = sum(output * r). */
    static double dot(double[] output, float[] r) {
        double sum = 0;
        for (int i = 0; i < output.length; i++) sum += output[i] * r[i];
        return sum;
    }

    /**
     * Central finite differences of L = sum(f(x) * r) with respect to every element of x, in double, where
     * f is a naive reference of the layer; x is restored afterwards.
     */
    static double[] finiteDifferences(Function<double[], double[]> f, double[] x, float[] r,
                                      double h) {
        double[] grad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double saved = x[i];
            x[i] = saved + h;
            double plus = dot(f.apply(x), r);
            x[i] = saved - h;
            double minus = dot(f.apply(x), r);
            x[i] = saved;
            grad[i] = (plus - minus) / (2 * h);
        }
        return grad;
    }

    /**
     * Fails unless every |expected - actual| is at most tolerance * max(1, max |expected|), naming the
     * largest difference and where it is.
     */
    static void assertClose(double[] expected, float[] actual, double tolerance, String what) {
        assertNotNull(actual, what + " is null");
        assertEquals(expected.length, actual.length, what + ": element count");
        double scale = 1;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        if (!(worst <= tolerance * scale)) {
            fail(what + ": largest difference " + worst + " at index " + at
                    + " (expected " + expected[at] + ", got " + actual[at] + "), allowed " + tolerance * scale);
        }
    }

    static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertClose(toDouble(expected), actual, tolerance, what);
    }
}
