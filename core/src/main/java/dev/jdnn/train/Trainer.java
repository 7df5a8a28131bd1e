package dev.jdnn.train;

import dev.jdnn.data.Batches;
import dev.jdnn.data.Dataset;
import dev.jdnn.layers.Mode;
import dev.jdnn.layers.Network;
import dev.jdnn.layers.ParameterBlock;
import dev.jdnn.runtime.CountingArena;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The training loop: epochs of (optionally shuffled) mini-batches, forward, loss, backward, L2, one
 * optimizer step over the flat parameter block; then validation, best-loss tracking and early stopping,
 * which restores the weights of the best epoch.
 * <p>A loss that is not finite stops training at once, a weight that is not finite at the end of its epoch (one pass
 * over the weights per epoch; a non-finite weight gives a non-finite loss at the next step anyway): both are a
 * {@link TrainingDivergedException} naming the epoch and the batch or weight.
 */
public final class Trainer {
    private final Network network;
    private final Loss loss;
    private final Updater updater;
    private final TrainingOptions options;
    private final RandomGenerator shuffleRandom;
    private final PrintStream out;

    private final Validation validation;
    /** The other runs of data-parallel training, or null. */
    private ParameterSync sync;
    /** Whether the last step ended with a synchronization (then the end of its epoch needs none). */
    private boolean synced;

    /** How an epoch is validated: the mean loss and accuracy on {@code valid}. */
    @FunctionalInterface
    public interface Validation {
        double[] lossAndAccuracy(Network network, Dataset valid, Loss loss, int batchSize);
    }

    public Trainer(Network network, Loss loss, Updater updater, TrainingOptions options, RandomGenerator shuffleRandom,
                   PrintStream out) {
        this(network, loss, updater, options, shuffleRandom, out,
                (net, valid, l, batchSize) -> Evaluator.lossAndAccuracy(net, Inputs.of(valid), valid.labels(), l, batchSize));
    }

    /** As above with another validation (tests script the validation losses with it). */
    public Trainer(Network network, Loss loss, Updater updater, TrainingOptions options, RandomGenerator shuffleRandom,
                   PrintStream out, Validation validation) {
        this.validation = validation;
        this.network = network;
        this.loss = loss;
        this.updater = updater;
        this.options = options;
        this.shuffleRandom = shuffleRandom;
        this.out = out;
        network.arrangeLikeParameters(updater.state());
    }

    /**
     * Makes this trainer synchronize its state with other runs through {@code sync} (null: train alone), as
     * {@link ParameterSync} describes.
     */
    public Trainer synchronizeWith(ParameterSync sync) {
        this.sync = sync;
        return this;
    }

    /** Trains on {@code train}, validating on {@code valid} (may be null) after every epoch. */
    public History fit(Dataset train, Dataset valid) {
        return fit(train, valid, null, null);
    }

    /**
     * Trains like {@link #fit(Dataset, Dataset)}, continuing after the epochs of {@code from} when it is not null,
     * and calling {@code listener} (when not null) after every epoch.
     * <p>To continue a run, the caller restores the weights and the optimizer's state saved with {@code from}, and
     * makes this trainer with the settings, the data and the shuffle generator (in its initial state) of the
     * interrupted run: the finished epochs' shuffles are replayed, which restores both the batch order and the
     * generator, so the run ends bit-identically to one that was never interrupted.
     *
     * @throws IllegalArgumentException if {@code from} has more epochs than the run, or dropout counters that do
     *     not fit the network, or the last batch would hold 1 image where a batch norm needs more
     *     ({@link LoneImageBatch})
     */
    public History fit(Dataset train, Dataset valid, TrainingState from, EpochListener listener) {
        LoneImageBatch.require(network.graph(), options.batchSize(), train.count());
        // The run's own buffers (one-hot targets, the best epoch's copy) live exactly as long as the run.
        try (Arena arena = new CountingArena()) {
            return fit(train, valid, from, listener, arena);
        }
    }

    private History fit(Dataset train, Dataset valid, TrainingState from, EpochListener listener, Arena arena) {
        int batchSize = Math.min(options.batchSize(), train.count());
        int width = Math.toIntExact(network.outputShape()[0]);
        Batches batches = train.batches(batchSize);
        Targets targets = new Targets(loss, batchSize, width, arena);
        int[] labels = new int[batchSize];
        MemorySegment labelSegment = MemorySegment.ofArray(new int[batchSize]);
        EarlyStopping stopping = new EarlyStopping(options.patience());
        BestWeights best = new BestWeights(network, arena);
        History history = new History();
        int done = from == null ? 0 : restore(from, batches, stopping, best, history);
        if (done > 0 && options.earlyStopping() && stopping.shouldStop()) {
            best.restore();
            history.stopEarly();
            return history;
        }
        for (int epoch = done + 1; epoch <= options.epochs(); epoch++) {
            long start = System.nanoTime();
            if (options.shuffle()) batches.shuffle(shuffleRandom);
            double lossSum = 0;
            try (EpochProgress progress = EpochProgress.start(options.progress(), out, epoch, options.epochs(),
                    train.count())) {
                for (int b = 0; b < batches.count(); b++) {
                    int n = batches.size(b);
                    Network.Compiled plan = network.plan(n, Mode.TRAINING);
                    batches.copy(b, plan.input().segment(), labelSegment);
                    MemorySegment.copy(labelSegment, ValueLayout.JAVA_INT, 0, labels, 0, n);
                    double batchLoss = step(plan, targets, labels, n);
                    if (!Double.isFinite(batchLoss)) {
                        throw new TrainingDivergedException("training diverged: the loss of epoch " + epoch
                                + ", batch " + (b + 1) + " of " + batches.count() + " is " + batchLoss
                                + "; try a lower learning rate or standardized data");
                    }
                    lossSum += batchLoss * n;
                    progress.advance(n, lossSum, System.nanoTime() - start);
                    if (options.verbose()) out.printf("epoch %d batch %d/%d loss %.5f%n", epoch, b + 1, batches.count(), batchLoss);
                }
            }
            if (sync != null && !synced) synchronize();
            requireFiniteWeights(epoch, batches.count());
            double seconds = (System.nanoTime() - start) / 1e9;
            double validLoss = Double.NaN;
            double validAccuracy = Double.NaN;
            if (valid != null && valid.count() > 0) {
                double[] result = validation.lossAndAccuracy(network, valid, loss, batchSize);
                validLoss = result[0];
                validAccuracy = result[1];
            }
            boolean isBest = !Double.isNaN(validLoss) && stopping.record(validLoss);
            if (isBest && options.earlyStopping()) best.save();
            EpochStats stats = new EpochStats(epoch, lossSum / train.count(), validLoss, validAccuracy, seconds,
                    train.count() / seconds);
            history.add(stats, isBest);
            EpochProgress.summary(options.progress(), out, stats);
            if (listener != null) listener.epochEnded(history, state(history, batches, best));
            if (options.earlyStopping() && !Double.isNaN(validLoss) && stopping.shouldStop()) {
                best.restore();
                history.stopEarly();
                break;
            }
        }
        return history;
    }

    /** Replays the finished epochs of {@code from}; returns their number. */
    private int restore(TrainingState from, Batches batches, EarlyStopping stopping, BestWeights best, History history) {
        if (from.epochs().size() > options.epochs()) {
            throw new IllegalArgumentException("the state has " + from.epochs().size()
                    + " finished epochs, more than the run's n_epochs = " + options.epochs());
        }
        for (EpochStats stats : from.epochs()) {
            if (options.shuffle()) batches.shuffle(shuffleRandom);
            history.add(stats, !Double.isNaN(stats.validLoss()) && stopping.record(stats.validLoss()));
        }
        from.dropoutSteps().forEach((batch, steps) -> DropoutSteps.set(network.plan(batch, Mode.TRAINING).plan(), steps));
        if (from.bestValues() != null) best.load(from.bestValues(), from.bestState());
        return from.epochs().size();
    }

    private TrainingState state(History history, Batches batches, BestWeights best) {
        Map<Integer, List<Long>> steps = new TreeMap<>();
        for (int size : new int[] {batches.size(0), batches.size(batches.count() - 1)}) {
            steps.put(size, DropoutSteps.of(network.plan(size, Mode.TRAINING).plan()));
        }
        return new TrainingState(history.epochs(), steps, best.values(), best.state());
    }

    private void requireFiniteWeights(int epoch, int batchCount) {
        MemorySegment values = network.parametersAsTrained().values();
        long floats = values.byteSize() / Float.BYTES;
        for (long i = 0; i < floats; i++) {
            float v = values.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            if (!Float.isFinite(v)) {
                throw new TrainingDivergedException("training diverged: after epoch " + epoch + " (" + batchCount
                        + " batches) weight " + i + " of " + floats + " is " + v
                        + "; try a lower learning rate or standardized data");
            }
        }
    }

    private double step(Network.Compiled plan, Targets targets, int[] labels, int n) {
        plan.plan().forward();
        network.synchronize();
        double value = targets.loss(plan.plan().output().segment(), labels, 0, n, plan.gradOutput().segment());
        plan.plan().backward();
        network.synchronize();
        ParameterBlock parameters = network.parametersAsTrained();
        value += parameters.addL2(options.lambda());
        updater.step(parameters.values(), parameters.grads());
        synced = sync != null && sync.interval() > 0 && updater.steps() % sync.interval() == 0;
        if (synced) synchronize();
        return value;
    }

    /** Hands the state, in plain layout (the same on every machine), to the sync. */
    private void synchronize() {
        ParameterBlock parameters = network.parameters();
        List<MemorySegment> state = new ArrayList<>();
        state.add(parameters.values());
        state.add(parameters.state());
        state.addAll(updater.state());
        sync.synchronize(state);
    }
}
