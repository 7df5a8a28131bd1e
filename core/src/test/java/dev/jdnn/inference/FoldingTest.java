package dev.jdnn.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.layers.Activation;
import dev.jdnn.layers.ActivationFunction;
import dev.jdnn.layers.BatchNorm2D;
import dev.jdnn.layers.Convolution2D;
import dev.jdnn.layers.Dense;
import dev.jdnn.layers.Dropout;
import dev.jdnn.layers.Flatten;
import dev.jdnn.layers.Layer;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.Padding;
import dev.jdnn.layers.Parameter;
import dev.jdnn.layers.Sequential;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The folding arithmetic on known numbers, and the layer orders that cannot be folded. */
class FoldingTest {
    private static final long[] IMAGE = {1, 4, 4};

    @Test
    void batchNormFoldsIntoTheConvolutionPerOutputChannel() {
        Layer root = new Sequential(List.of(new Convolution2D(1, 2, 1, 1, Padding.SAME), new BatchNorm2D(2),
                new Activation(ActivationFunction.SELU), new Dropout(0.5, 1), new Flatten(), new Dense(32, 3)));
        try (Network network = new Network(root, IMAGE); Arena arena = Arena.ofConfined()) {
            List<Parameter> p = network.parameters().parameters();
            set(p.get(0), 2f, -3f);          // conv weights, one per output channel (1x1 filter)
            set(p.get(1), 0.5f, 1f);         // conv bias
            set(p.get(2), 4f, 0.25f);        // bn scale
            set(p.get(3), 1f, -1f);          // bn shift
            set(p.get(4), 0.1f, 0.2f);       // running mean
            set(p.get(5), 3f, 0.01f);        // running variance
            List<InferenceOp> ops = Folding.fold(network, arena);
            assertEquals(2, ops.size(), "conv(+bn+selu) and dense; dropout and flatten disappear: " + ops);
            InferenceOp.Affine conv = (InferenceOp.Affine) ops.get(0);
            // In double from the stored floats, rounded once: k = scale / sqrt(var + eps).
            double k0 = 4 / Math.sqrt(3 + 1e-5);
            double k1 = 0.25 / Math.sqrt((double) 0.01f + 1e-5);
            assertArrayEquals(new float[] {(float) (2 * k0), (float) (-3 * k1)},
                    conv.weights().toArray(ValueLayout.JAVA_FLOAT));
            assertArrayEquals(new float[] {(float) ((0.5 - (double) 0.1f) * k0 + 1), (float) ((1 - (double) 0.2f) * k1 - 1)},
                    conv.bias().toArray(ValueLayout.JAVA_FLOAT));
            assertEquals(ActivationFunction.SELU.asPostOps(0).orElseThrow(), conv.postOps());
            InferenceOp.Affine dense = (InferenceOp.Affine) ops.get(1);
            assertArrayEquals(new long[] {3, 2, 4, 4}, dense.weightDims(), "the dense layer reads the 4-D tensor");
        }
    }

    @Test
    void layersInAnOrderThatCannotBeFoldedAreRefusedByName() {
        assertRefused(List.of(new BatchNorm2D(1), new Convolution2D(1, 2, 3, 1, Padding.SAME)),
                "batchnorm2d(1) must directly follow a convolution or dense layer");
        assertRefused(List.of(new Convolution2D(1, 2, 3, 1, Padding.SAME), new Activation(ActivationFunction.RELU),
                new BatchNorm2D(2)), "batchnorm2d(2) must directly follow a convolution or dense layer");
        assertRefused(List.of(new Convolution2D(1, 2, 3, 1, Padding.SAME), new Flatten(),
                new Activation(ActivationFunction.RELU)), "followed by relu");
    }

    private static void assertRefused(List<Layer> layers, String message) {
        try (Network network = new Network(new Sequential(layers), IMAGE); Arena arena = Arena.ofConfined()) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> Folding.fold(network, arena));
            assertTrue(e.getMessage().contains(message), e.getMessage());
        }
    }

    private static void set(Parameter parameter, float... values) {
        for (int i = 0; i < values.length; i++) parameter.value().setAtIndex(ValueLayout.JAVA_FLOAT, i, values[i]);
    }
}
