package dev.jdnn.layers;

import static dev.jdnn.layers.LayerTestBench.assertClose;
import static dev.jdnn.layers.LayerTestBench.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Flatten as a view on plain inputs, a reorder on blocked ones, and its fusion with Dense in Sequential. */
class FlattenTest {
    @Test
    void viewsAPlainInputWithoutCopying() {
        float[] x = random(new Random(1), 2 * 3 * 4 * 5);
        float[] r = random(new Random(2), 2 * 60);
        try (LayerTestBench bench = LayerTestBench.training(new Flatten(), 2, 3, 4, 5)) {
            Tensor output = bench.plan.output();
            assertArrayEquals(new long[] {2, 60}, output.dims(), "flattened dims");
            assertTrue(output.isPlain(), "the output is plain");
            assertEquals(bench.input.segment().address(), output.segment().address(), "output is a view of the input");
            assertArrayEquals(x, bench.forward(x), "flattened values in (c, y, x) order");
            assertArrayEquals(r, bench.backward(r), "gradient of the input");
            assertArrayEquals(bench.input.dims(), bench.plan.gradInput().dims(), "gradient dims");
            assertTrue(bench.plan.gradInput().desc().sameAs(bench.input.desc()), "gradient in the input's layout");
        }
    }

    @Test
    void flattensFeatureVectorsToThemselves() {
        float[] x = random(new Random(3), 3 * 7);
        try (LayerTestBench bench = LayerTestBench.training(new Flatten(), 3, 7)) {
            assertArrayEquals(new long[] {3, 7}, bench.plan.output().dims());
            assertArrayEquals(x, bench.forward(x));
            assertArrayEquals(x, bench.backward(x));
        }
    }

    @Test
    void reordersABlockedInputToPlainOrderAndTheGradientBack() {
        Random random = new Random(4);
        Convolution2D conv = new Convolution2D(3, 16, 3, 1, Padding.SAME);
        try (LayerTestBench bench = LayerTestBench.training(conv, 2, 3, 5, 7)) {
            bench.setParameter(0, random(random, 16 * 3 * 9));
            bench.setParameter(1, random(random, 16));
            float[] convOut = bench.forward(random(random, 2 * 3 * 5 * 7));
            Tensor blocked = bench.plan.output();
            assertFalse(blocked.isPlain(), "the test needs a blocked convolution output");

            LayerPlan flatten = new Flatten().plan(bench.context, blocked, Mode.TRAINING, List.of(), true);
            flatten.forward();
            assertArrayEquals(new long[] {2, 16 * 35}, flatten.output().dims());
            assertTrue(flatten.output().isPlain(), "the output is plain");
            assertArrayEquals(convOut, flatten.output().toArray(), "flattened values equal the plain-reordered input");

            float[] r = random(random, 2 * 16 * 35);
            Tensor gradOutput = bench.tensorIn(flatten.output().desc(), r);
            flatten.bindGradOutput(gradOutput);
            flatten.backward();
            assertTrue(flatten.gradInput().desc().sameAs(blocked.desc()), "gradient in the input's blocked layout");
            assertArrayEquals(r, bench.plainValues(flatten.gradInput()), "gradient of the input");
        }
    }

    @Test
    void inferencePlansHaveNoGradient() {
        try (LayerTestBench bench = new LayerTestBench(new Flatten(), Mode.INFERENCE, true, 1, 2, 3, 3)) {
            assertNull(bench.plan.gradInput());
        }
    }

    @Test
    void sequentialFlattenDenseEqualsDenseOnTheFourDimensionalInput() {
        Random random = new Random(5);
        long[] dims = {3, 4, 3, 5};
        Dense dense = new Dense(60, 7);
        Sequential fused = new Sequential(List.of(new Flatten(), dense));
        float[] x = random(random, 3 * 60);
        float[] weight = random(random, 7 * 60);
        float[] bias = random(random, 7);
        float[] r = random(random, 3 * 7);
        try (LayerTestBench sequential = LayerTestBench.training(fused, dims);
             LayerTestBench alone = LayerTestBench.training(dense, dims)) {
            assertEquals(List.of("1.weight", "1.bias"),
                    sequential.parameterList().stream().map(p -> p.spec().name()).toList(),
                    "parameters are named after the index of their layer");
            for (LayerTestBench bench : List.of(sequential, alone)) {
                bench.setParameter(0, weight);
                bench.setParameter(1, bias);
            }
            assertClose(alone.forward(x), sequential.forward(x), 1e-6, "output");
            assertClose(alone.backward(r), sequential.backward(r), 1e-6, "gradient of the input");
            assertClose(alone.grad(0), sequential.grad(0), 1e-6, "weight gradient");
            assertClose(alone.grad(1), sequential.grad(1), 1e-6, "bias gradient");
        }
    }

    @Test
    void denseAfterAnExplicitFlattenEqualsDenseOnABlockedInput() {
        Random random = new Random(6);
        Convolution2D conv = new Convolution2D(2, 16, 3, 1, Padding.SAME);
        Dense dense = new Dense(16 * 4 * 3, 5);
        try (LayerTestBench bench = LayerTestBench.training(conv, 2, 2, 4, 3)) {
            bench.setParameter(0, random(random, 16 * 2 * 9));
            bench.setParameter(1, random(random, 16));
            bench.forward(random(random, 2 * 2 * 4 * 3));
            Tensor blocked = bench.plan.output();
            assertFalse(blocked.isPlain(), "the test needs a blocked convolution output");
            ParameterBlock parameters = new ParameterBlock(dense.parameters(new long[] {192}), bench.arena);
            parameters.parameters().get(0).value().copyFrom(MemorySegment.ofArray(random(random, 5 * 192)));
            parameters.parameters().get(1).value().copyFrom(MemorySegment.ofArray(random(random, 5)));

            LayerPlan direct = dense.plan(bench.context, blocked, Mode.TRAINING, parameters.parameters(), true);
            LayerPlan flatten = new Flatten().plan(bench.context, blocked, Mode.TRAINING, List.of(), true);
            ParameterBlock viaGrads = new ParameterBlock(dense.parameters(new long[] {192}), bench.arena);
            viaGrads.values().copyFrom(parameters.values());
            LayerPlan afterFlatten = dense.plan(bench.context, flatten.output(), Mode.TRAINING, viaGrads.parameters(),
                    true);
            direct.forward();
            flatten.forward();
            afterFlatten.forward();
            assertClose(bench.plainValues(afterFlatten.output()), bench.plainValues(direct.output()), 1e-5,
                    "dense on the blocked input vs dense after flatten");

            float[] r = random(random, 2 * 5);
            direct.bindGradOutput(bench.tensorIn(direct.output().desc(), r));
            afterFlatten.bindGradOutput(bench.tensorIn(afterFlatten.output().desc(), r));
            flatten.bindGradOutput(afterFlatten.gradInput());
            direct.backward();
            afterFlatten.backward();
            flatten.backward();
            assertClose(bench.plainValues(flatten.gradInput()), bench.plainValues(direct.gradInput()), 1e-5,
                    "gradient of the blocked input");
            assertClose(viaGrads.grads().toArray(ValueLayout.JAVA_FLOAT),
                    parameters.grads().toArray(ValueLayout.JAVA_FLOAT), 1e-5, "parameter gradients");
        }
    }
}
