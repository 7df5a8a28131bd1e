package dev.jdnn;

import dev.jdnn.layers.Layer;
import dev.jdnn.layers.ParameterSpec;
import dev.jdnn.layers.Sequential;
import java.util.Arrays;

/** The seed's summary: each block or layer, its output shape, weight and bias counts, and the totals. */
final class Summary {
    private Summary() {}

    static String of(Sequential network, long[] inputShape) {
        StringBuilder text = new StringBuilder(String.format("%-28s %-16s %10s %10s%n", "layer", "output shape",
                "weights", "biases"));
        long[] shape = inputShape;
        long totalWeights = 0, totalBiases = 0, state = 0;
        for (Layer block : network.layers()) {
            long[] in = shape;
            shape = block.outputShape(shape);
            long weights = 0, biases = 0;
            for (ParameterSpec spec : block.parameters(in)) {
                switch (spec.kind()) {
                    case WEIGHT, SCALE -> weights += spec.elementCount();
                    case BIAS, SHIFT -> biases += spec.elementCount();
                    case RUNNING_MEAN, RUNNING_VARIANCE -> state += spec.elementCount();
                }
            }
            String name = block instanceof Sequential s && !s.layers().isEmpty() ? describe(s) : block.name();
            text.append(String.format("%-28s %-16s %10d %10d%n", name, Arrays.toString(shape), weights, biases));
            totalWeights += weights;
            totalBiases += biases;
        }
        text.append(String.format("total: %d trainable parameters (%d weights, %d biases), %d batch-norm statistics%n",
                totalWeights + totalBiases, totalWeights, totalBiases, state));
        return text.toString();
    }

    private static String describe(Sequential block) {
        return block.name() + "(" + block.layers().getFirst().name().replaceAll("\\(.*", "") + "...)";
    }
}
