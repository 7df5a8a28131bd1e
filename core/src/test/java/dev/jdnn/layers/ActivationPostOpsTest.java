package dev.jdnn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.layers.ActivationHarness.Difference;
import dev.jdnn.runtime.Algorithm;
import dev.jdnn.runtime.Arg;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.FormatTag;
import dev.jdnn.runtime.MemoryDesc;
import dev.jdnn.runtime.PrimitiveAttr;
import dev.jdnn.runtime.PrimitiveDesc;
import dev.jdnn.runtime.PrimitiveDescs;
import dev.jdnn.runtime.PropKind;
import dev.jdnn.tensor.Tensor;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Names, parameters, and the post-op form of activations (what a compiled network fuses). */
class ActivationPostOpsTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jdnn.layers.ActivationTest#activations")
    void postOpsAfterAnInnerProductComputeTheActivation(Activation activation) {
        Optional<List<EltwiseOp>> ops = activation.asPostOps();
        if (activation.function() == ActivationFunction.SOFTMAX) {
            assertTrue(ops.isEmpty(), "softmax is not element-wise, it has no post-op form");
            return;
        }
        long batch = 3;
        long features = 9;
        try (ActivationHarness h = new ActivationHarness()) {
            float[] x = ActivationHarness.uniform(17, (int) (batch * features), -4, 4);
            float[] identity = new float[(int) (features * features)];
            for (int i = 0; i < features; i++) identity[i * (int) features + i] = 1;
            PrimitiveAttr attr = new PrimitiveAttr(h.arena);
            ops.orElseThrow().forEach(op -> op.appendTo(attr));
            MemoryDesc io = MemoryDesc.of(h.arena, DataType.F32, FormatTag.NC, batch, features);
            MemoryDesc weights = MemoryDesc.of(h.arena, DataType.F32, FormatTag.OI, features, features);
            PrimitiveDesc desc = PrimitiveDescs.innerProductForward(h.arena, PropKind.FORWARD_INFERENCE, io, weights,
                    null, io, attr);
            Tensor output = Tensor.plain(h.arena, DataType.F32, batch, features);
            Step.of(h.context, desc).arg(Arg.SRC, h.plain(x, batch, features))
                    .arg(Arg.WEIGHTS, h.plain(identity, features, features)).arg(Arg.DST, output).build()
                    .run(h.context.stream());
            Difference d = ActivationHarness.compare(
                    ActivationReference.forward(activation, x, new long[] {batch, features}), h.read(output));
            assertTrue(d.relative() <= 1e-5, activation.name() + " as post-ops: " + d);
        }
    }

    @Test
    void postOpChainsHaveTheExpectedShape() {
        assertEquals(List.of(), new Activation(ActivationFunction.LINEAR).asPostOps().orElseThrow());
        assertEquals(List.of(new EltwiseOp(Algorithm.ELTWISE_RELU, 0.25f, 0)),
                new Activation(ActivationFunction.LEAKY_RELU, 0.25).asPostOps().orElseThrow());
        assertEquals(List.of(new EltwiseOp(Algorithm.ELTWISE_ELU, (float) ActivationFunction.SELU_ALPHA, 0),
                new EltwiseOp(Algorithm.ELTWISE_LINEAR, (float) ActivationFunction.SELU_SCALE, 0)),
                new Activation(ActivationFunction.SELU).asPostOps().orElseThrow());
    }

    @Test
    void parsesNamesIgnoringCase() {
        assertEquals(ActivationFunction.LEAKY_RELU, ActivationFunction.parse("leaky-relu"));
        assertEquals(ActivationFunction.LEAKY_RELU, ActivationFunction.parse("LeakyReLU"));
        assertEquals(ActivationFunction.LEAKY_RELU, ActivationFunction.parse("LEAKY_RELU"));
        for (ActivationFunction f : ActivationFunction.values()) {
            assertEquals(f, ActivationFunction.parse(f.label().toUpperCase()), f.label());
        }
        assertEquals(new Activation(ActivationFunction.LEAKY_RELU, 0.01), Activation.parse(" leakyrelu "));
        assertEquals(new Activation(ActivationFunction.SWISH, 1), Activation.parse("SiLU"));
        assertEquals(ActivationFunction.HARD_SWISH, ActivationFunction.parse("Hardswish"));
        assertEquals(ActivationFunction.HARD_SIGMOID, ActivationFunction.parse("hard_sigmoid"));
        assertEquals(ActivationFunction.GELU_TANH, ActivationFunction.parse("GELU_TANH"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mish", "", "re lu", "relu-6"})
    void rejectsUnknownNamesListingTheAllowedOnes(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ActivationFunction.parse(name));
        assertTrue(e.getMessage().contains("'" + name + "'") && e.getMessage().contains(
                "linear, relu, sigmoid, tanh, leaky-relu, softmax, elu, selu, softplus, swish (also silu), relu6,"
                        + " hard-sigmoid, hard-swish, gelu, gelu-tanh"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ActivationFunction.parse(null));
    }

    @Test
    void rejectsParametersOutOfRange() {
        assertMessage("leaky-relu alpha must be finite and >= 0, got -0.1",
                () -> new Activation(ActivationFunction.LEAKY_RELU, -0.1));
        assertMessage("elu alpha must be finite and >= 0, got NaN", () -> new Activation(ActivationFunction.ELU, Double.NaN));
        assertMessage("softplus beta must be finite and > 0, got 0.0", () -> new Activation(ActivationFunction.SOFTPLUS, 0));
        assertMessage("swish beta must be finite and > 0, got Infinity",
                () -> new Activation(ActivationFunction.SWISH, Double.POSITIVE_INFINITY));
        assertMessage("relu takes no parameter, got 0.5", () -> new Activation(ActivationFunction.RELU, 0.5));
        assertMessage("activation function must not be null", () -> new Activation(null));
    }

    @Test
    void rejectsAGradientOfTheWrongShape() {
        try (ActivationHarness h = new ActivationHarness()) {
            LayerPlan plan = h.plan(new Activation(ActivationFunction.TANH), h.plain(new float[6], 2, 3), Mode.TRAINING);
            assertMessage("tanh: gradient of the output must have dims [2, 3], got [3, 2]",
                    () -> plan.bindGradOutput(h.plain(new float[6], 3, 2)));
        }
    }

    private static void assertMessage(String expected, Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }
}
