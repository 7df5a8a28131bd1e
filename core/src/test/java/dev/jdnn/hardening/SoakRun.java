package dev.jdnn.hardening;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import dev.jdnn.layers.Network;
import dev.jdnn.runtime.Threads;
import dev.jdnn.train.TrainingOptions;
import dev.jdnn.train.Trainer;
import dev.jdnn.train.Updater;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The soak of issue 8, run by {@link SoakTest} in a JVM of its own (so that its memory is its own): batch-1
 * predictions, predictor create/close cycles and training steps on one model, printing a line
 * {@code sample <phase> <count> <seconds> <ProcessMemory fields>} at regular intervals and a {@code check} line per
 * phase. Arguments: predictions, cycles, training epochs (of {@value #STEPS_PER_EPOCH} steps each).
 * <p>The model is W1's architecture with a quarter of its channels and hidden units (conv 1->8 and 8->16, dense
 * 784->32->10, batch norm, ReLU, max pools, dropout 0.5, Adam), fitted for one epoch on 1,000 images of the embedded
 * Fashion-MNIST subset: a batch-1 prediction takes about 15 µs, against about 90 µs for W1.
 */
public final class SoakRun {
    static final int STEPS_PER_EPOCH = 20;
    private static final int BATCH = 45;
    private static final int SAMPLES_PER_PHASE = 20;

    private SoakRun() {}

    static SimpleCNN model(Dataset train) {
        SimpleCNN model = SimpleCNN.builder().inChannels(List.of(1, 8)).outChannels(16).inFeatures(List.of(784, 32))
                .outFeatures(10).initializer("kaiming-normal").epochs(1).batchSize(50).threads(1).seed(8)
                .progress(false).build();
        model.fit(train.head(1000));
        return model;
    }

    public static void main(String[] args) {
        int predictions = Integer.parseInt(args[0]);
        int cycles = Integer.parseInt(args[1]);
        int epochs = Integer.parseInt(args[2]);
        Datasets.TrainTest data = Datasets.embeddedDefault();
        try (SimpleCNN model = model(data.train())) {
            try (CompiledModel compiled = CompiledModel.of(model, 2)) {
                predictions(compiled, data.test(), predictions);
                cycles(compiled, data.test(), cycles);
            }
            training(model, data.train().head(STEPS_PER_EPOCH * BATCH), data.test().head(100), epochs);
        }
    }

    private static void sample(String phase, long count, long start) {
        System.out.printf(Locale.ROOT, "sample %s %d %.1f %s%n", phase, count, (System.nanoTime() - start) / 1e9,
                ProcessMemory.now().line());
    }

    /** Batch-1 predictions on one predictor, through the test images in turn. */
    private static void predictions(CompiledModel compiled, Dataset images, int calls) {
        float[][] pixels = new float[images.count()][];
        for (int i = 0; i < pixels.length; i++) pixels[i] = images.image(i);
        float[] logits = new float[compiled.outputSize()];
        try (Predictor predictor = compiled.newPredictor()) {
            predictor.predict(pixels[0], logits);
            float[] first = logits.clone();
            long start = System.nanoTime();
            int every = calls / SAMPLES_PER_PHASE;
            sample("predict", 0, start);
            for (int c = 1; c <= calls; c++) {
                predictor.predict(pixels[c % pixels.length], logits);
                if (c % every == 0) sample("predict", c, start);
            }
            predictor.predict(pixels[0], logits);
            System.out.println("check predict bit-identical=" + Arrays.equals(first, logits));
        }
    }

    /**
     * Predictors created, used once and closed: even cycles 1 thread and batch 1, odd ones 2 threads and batch 2,
     * which splits the batch and so starts (and on close stops) the predictor's worker thread.
     */
    private static void cycles(CompiledModel compiled, Dataset images, int cycles) {
        float[] one = images.image(0);
        float[] two = images.head(2).toArray();
        float[] logits = new float[2 * compiled.outputSize()];
        long start = System.nanoTime();
        int every = cycles / SAMPLES_PER_PHASE;
        sample("cycles", 0, start);
        for (int c = 1; c <= cycles; c++) {
            try (Predictor predictor = compiled.newPredictor(1 + c % 2)) {
                if (c % 2 == 0) predictor.predict(one, Arrays.copyOf(logits, compiled.outputSize()));
                else predictor.predict(two, logits);
            }
            if (c % every == 0) sample("cycles", c, start);
        }
    }

    /** Epochs of the Trainer's loop (what SimpleCNN.fit runs) on the model's network, validated after each. */
    private static void training(SimpleCNN model, Dataset train, Dataset valid, int epochs) {
        Network network = model.network();
        Threads.set(1);
        Updater updater = model.config().optimizer().bind(network.parameters().trainableFloats(), network.arena());
        TrainingOptions options = new TrainingOptions(BATCH, epochs, 0, false, 1, true, false, false);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        long start = System.nanoTime();
        int every = Math.max(1, epochs / SAMPLES_PER_PHASE);
        sample("train", 0, start);
        var history = new Trainer(network, model.config().loss(), updater, options, new SplittableRandom(9), quiet)
                .fit(train, valid, null, (run, state) -> {
                    if (run.last().epoch() % every == 0) sample("train", (long) run.last().epoch() * STEPS_PER_EPOCH, start);
                });
        System.out.printf(Locale.ROOT, "check train first_loss=%.4f last_loss=%.4f%n",
                history.epochs().getFirst().trainLoss(), history.epochs().getLast().trainLoss());
    }
}
