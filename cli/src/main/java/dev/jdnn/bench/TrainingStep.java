package dev.jdnn.bench;

import dev.jdnn.data.Batches;
import dev.jdnn.layers.Mode;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.ParameterBlock;
import dev.jdnn.train.CrossEntropy;
import dev.jdnn.train.Updater;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One training step of W1 driven directly on a network, so that a benchmark can time exactly the steps it
 * wants: the same work as {@code Trainer}'s step with cross-entropy (copy the batch in, forward, loss and its
 * gradient, backward, L2, one optimizer step over the flat parameter block). Allocates nothing per step.
 */
public final class TrainingStep {
    private static final CrossEntropy LOSS = new CrossEntropy();

    private final Network network;
    private final Network.Compiled plan;
    private final Updater updater;
    private final double lambda;
    private final Batches batches;
    private final int width;
    private final int[] labels;
    private final MemorySegment labelSegment;

    /**
     * @param batches full mini-batches only: every batch must hold {@code batches.batchSize()} images
     * @throws IllegalArgumentException if the last batch is smaller than the others
     */
    public TrainingStep(Network network, Updater updater, double lambda, Batches batches) {
        int batch = batches.batchSize();
        if (batches.size(batches.count() - 1) != batch) {
            throw new IllegalArgumentException("a timed training step needs full batches of " + batch
                    + " but the last batch holds " + batches.size(batches.count() - 1) + " images");
        }
        this.network = network;
        this.plan = network.plan(batch, Mode.TRAINING);
        this.updater = updater;
        network.arrangeLikeParameters(updater.state());
        this.lambda = lambda;
        this.batches = batches;
        this.width = Math.toIntExact(network.outputShape()[0]);
        this.labels = new int[batch];
        this.labelSegment = MemorySegment.ofArray(new int[batch]);
    }

    /** The mini-batches the steps read; shuffle them between epochs. */
    public Batches batches() {
        return batches;
    }

    /** Trains on mini-batch {@code step mod batches().count()} and returns its loss (with the L2 term). */
    public double run(int step) {
        int b = step % batches.count();
        int n = batches.copy(b, plan.input().segment(), labelSegment);
        MemorySegment.copy(labelSegment, ValueLayout.JAVA_INT, 0, labels, 0, n);
        plan.plan().forward();
        network.synchronize();
        double loss = LOSS.forwardBackward(plan.plan().output().segment(), labels, 0, n, width,
                plan.gradOutput().segment());
        plan.plan().backward();
        network.synchronize();
        ParameterBlock parameters = network.parametersAsTrained();
        loss += parameters.addL2(lambda);
        updater.step(parameters.values(), parameters.grads());
        return loss;
    }
}
