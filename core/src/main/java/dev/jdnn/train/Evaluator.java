package dev.jdnn.train;

import dev.jdnn.layers.Mode;
import dev.jdnn.layers.Network;
import dev.jdnn.runtime.CountingArena;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Runs a network in inference mode over many images, batch by batch, handing each batch's outputs on. */
public final class Evaluator {
    /** Receives the outputs of images {@code from .. from+n-1}: n rows of {@code width} floats. */
    @FunctionalInterface
    public interface OutputSink {
        void accept(int from, int n, MemorySegment outputs, int width);
    }

    private Evaluator() {}

    public static void run(Network network, Inputs inputs, int batchSize, OutputSink sink) {
        int width = Math.toIntExact(network.outputShape()[0]);
        for (int from = 0; from < inputs.count(); from += batchSize) {
            int n = Math.min(batchSize, inputs.count() - from);
            Network.Compiled plan = network.plan(n, Mode.INFERENCE);
            inputs.copy(from, n, plan.input().segment());
            plan.plan().forward();
            network.synchronize();
            sink.accept(from, n, plan.plan().output().segment(), width);
        }
    }

    /** Mean loss and accuracy (argmax of the outputs against the labels) over a labelled set. */
    public static double[] lossAndAccuracy(Network network, Inputs inputs, int[] labels, Loss loss, int batchSize) {
        double[] sums = new double[2];
        int width = Math.toIntExact(network.outputShape()[0]);
        try (Arena arena = new CountingArena()) {
            Targets targets = new Targets(loss, batchSize, width, arena);
            run(network, inputs, batchSize, (from, n, outputs, w) -> {
                sums[0] += targets.loss(outputs, labels, from, n, null) * n;
                for (int i = 0; i < n; i++) {
                    if (Targets.argmax(outputs, i, w) == labels[from + i]) sums[1]++;
                }
            });
        }
        int count = inputs.count();
        return new double[] {sums[0] / count, sums[1] / count};
    }
}
