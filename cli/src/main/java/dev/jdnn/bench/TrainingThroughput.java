package dev.jdnn.bench;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.layers.Network;
import dev.jdnn.runtime.CountingArena;
import dev.jdnn.runtime.Threads;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * W1's training throughput: images per second over {@code timedSteps} steps of batch 100 after
 * {@code warmupSteps} warm-up steps, on a fresh W1 model with a given OpenMP thread count, with the Java heap
 * and off-heap bytes the timed steps allocated.
 */
public final class TrainingThroughput {
    /** Losses averaged at each end of the timed steps, to show that the steps really train. */
    private static final int LOSS_WINDOW = 20;

    /**
     * @param imagesPerSecond     batch x steps / wall time of the timed steps
     * @param heapBytesPerStep    Java heap bytes allocated per timed step by the driving thread
     * @param offHeapGrowthBytes  bytes allocated through jdnn's arenas during the timed steps
     * @param firstLoss           mean loss of the first timed steps (up to 20)
     * @param lastLoss            mean loss of the last timed steps (up to 20)
     * @param stepMillisP50       median wall time of a timed step: unlike the mean it ignores stalls of the
     *                            machine (other processes, a host that takes a core away for a while)
     * @param stepMillisMax       the slowest timed step
     */
    public record Result(int threads, int steps, double imagesPerSecond, double heapBytesPerStep,
                         long offHeapGrowthBytes, double firstLoss, double lastLoss, double stepMillisP50,
                         double stepMillisMax) {}

    private TrainingThroughput() {}

    /**
     * Builds a W1 model for {@code threads} threads, runs the warm-up steps, reshuffles and times
     * {@code timedSteps} steps over {@code train} (whose size must be a multiple of the batch).
     */
    public static Result measure(Dataset train, int threads, int warmupSteps, int timedSteps) {
        if (warmupSteps < 0 || timedSteps < 1) {
            throw new IllegalArgumentException("warm-up steps must be >= 0 and timed steps >= 1, got "
                    + warmupSteps + " and " + timedSteps);
        }
        try (SimpleCNN model = W1.initializedModel(train, threads)) {
            Network network = model.network();
            // The plans were compiled for this team size by the fit; the updater's state is fresh Adam state.
            Threads.set(threads);
            var updater = model.config().optimizer().bind(network.parameters().trainableFloats(), network.arena());
            TrainingStep step = new TrainingStep(network, updater, model.config().lambda(), train.batches(W1.BATCH));
            SplittableRandom random = new SplittableRandom(model.config().seed());
            step.batches().shuffle(random);
            for (int s = 0; s < warmupSteps; s++) step.run(s);
            step.batches().shuffle(random);

            int window = Math.min(LOSS_WINDOW, timedSteps);
            double firstLosses = 0;
            double lastLosses = 0;
            long[] stepNanos = new long[timedSteps];
            long heapBefore = ProcessFacts.threadAllocatedBytes();
            long offHeapBefore = CountingArena.allocatedBytes();
            long start = System.nanoTime();
            long stepStart = start;
            for (int s = 0; s < timedSteps; s++) {
                double loss = step.run(s);
                long now = System.nanoTime();
                stepNanos[s] = now - stepStart;
                stepStart = now;
                if (s < window) firstLosses += loss;
                if (s >= timedSteps - window) lastLosses += loss;
            }
            long nanos = stepStart - start;
            long heapBytes = ProcessFacts.threadAllocatedBytes() - heapBefore;
            long offHeapBytes = CountingArena.allocatedBytes() - offHeapBefore;
            Arrays.sort(stepNanos);
            return new Result(threads, timedSteps, (double) W1.BATCH * timedSteps * 1e9 / nanos,
                    (double) heapBytes / timedSteps, offHeapBytes, firstLosses / window, lastLosses / window,
                    InferenceBenchmark.percentile(stepNanos, 0.5) / 1e6, stepNanos[timedSteps - 1] / 1e6);
        }
    }
}
