package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.Evaluation;
import dev.jdnn.SimpleCNN;
import dev.jdnn.SimpleCNNBuilder;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.onnx.OnnxExport;
import dev.jdnn.runtime.Threads;
import dev.jdnn.train.EpochStats;
import dev.jdnn.train.History;
import dev.jdnn.train.OutOfRangeException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Trains the SimpleCNN on a data set (or fine-tunes a model file's network from its weights, or resumes a
 * checkpointed run), then reports its test accuracy.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a SimpleCNN (with no data option: on the embedded Fashion-MNIST subset), or with --model "
                + "fine-tune a model file's network (jdnn or ONNX) from its weights, then print its test accuracy and "
                + "confusion matrix.")
final class TrainCommand implements Callable<Integer> {
    /** The options that --resume takes from the checkpoint instead. */
    private static final List<String> RUN_SETTINGS =
            List.of("--epochs", "--batch-size", "--learning-rate", "--optimizer", "--threads", "--seed",
                    "--dilation", "--residual");
    /** The option that sets each builder parameter that has a range. */
    private static final Map<String, String> OPTIONS = Map.of("n_epochs", "--epochs", "batch_size", "--batch-size",
            "learning_rate", "--learning-rate", "threads", "--threads", "dilation", "--dilation");

    @Mixin DataOptions data;
    @Option(names = "--epochs", defaultValue = "5", description = "epochs, 1 or more (default ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "100",
            description = "images per batch, 1 or more; a size above the training images makes one batch"
                    + " (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--learning-rate", defaultValue = "0.001",
            description = "step size, " + Float.MIN_VALUE + " to " + Float.MAX_VALUE
                    + " once rounded to float32 (default ${DEFAULT-VALUE})")
    double learningRate;
    @Option(names = "--optimizer", defaultValue = "adam",
            description = "sgd, momentum, rmsprop, adam, adagrad, adadelta, adamax, adamw or nadam (default ${DEFAULT-VALUE})")
    String optimizer;
    @Option(names = "--threads", defaultValue = "0",
            description = "OpenMP threads, 1 to " + Threads.MAX + ", or 0 for all cores (default ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--dilation", defaultValue = "1",
            description = "spacing of the convolutions' filter taps, 1 (none) or more; the image size is kept"
                    + " (default ${DEFAULT-VALUE})")
    int dilation;
    @Option(names = "--residual",
            description = "add a shortcut around each conv block's convolution and batch norm (a residual block):"
                    + " the identity, or a strided 1x1 convolution and batch norm where the channels or size change")
    boolean residual;
    @Option(names = "--model", paramLabel = "FILE",
            description = "fine-tune this model (a jdnn model file or an .onnx file): its network and weights, trained"
                    + " with the options here; the data must have its input shape and at most its classes")
    Path modelFile;
    @Option(names = "--seed", defaultValue = "0",
            description = "seed of the split, the weights and the shuffles, any integer (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--save", paramLabel = "FILE",
            description = "write the trained model to FILE (docs/FORMAT.md), or with a name ending in .onnx as an ONNX"
                    + " model (batch norm folded, as bin/jdnn export writes it)")
    Path save;
    @Option(names = "--plot", paramLabel = "FILE.png", description = "draw the loss and accuracy curves into a PNG file")
    Path plot;
    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "after every epoch write DIR/last.jdnn, and DIR/best.jdnn when the validation loss is the lowest so far")
    Path checkpointDir;
    @Option(names = "--resume", paramLabel = "DIR",
            description = "continue the run checkpointed in DIR (its last.jdnn) with the run's own settings; give the "
                    + "run's data options; checkpoints continue into DIR unless --checkpoint-dir says otherwise")
    Path resume;
    @Option(names = "--json", description = "end with one JSON line of the results") boolean json;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        Datasets.TrainTest sets = data.load();
        long start = System.nanoTime();
        try (SimpleCNN model = resume != null ? SimpleCNN.load(checkpoint()) : build(sets.train())) {
            if (json) model.progressTo(new PrintStream(OutputStream.nullOutputStream()));
            Path folder = checkpointDir != null ? checkpointDir : resume != null ? checkpoint().getParent() : null;
            if (folder != null) model.checkpointTo(folder);
            Dataset first = sets.train();
            if (!json) System.out.print(model.summary(first.channels(), first.height(), first.width()));
            History history = train(model, sets.train());
            Evaluation evaluation = model.evaluate(sets.test());
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!json) {
                System.out.printf("test accuracy %.4f  (macro F1 %.4f)%n", evaluation.accuracy(), evaluation.f1());
                System.out.print(evaluation.confusionTable(sets.test().classNames()));
            }
            if (save != null && isOnnx(save)) OnnxExport.write(model, save, OnnxExport.BatchNormMode.FOLDED);
            else if (save != null) model.save(save);
            if (plot != null) TrainingPlot.write(history, plot);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("test_acc", evaluation.accuracy());
            result.put("epochs_run", history.epochsRun());
            result.put("train_ips", meanImagesPerSecond(history));
            result.put("seconds", seconds);
            result.put("final_train_loss", history.last().trainLoss());
            result.put("final_valid_loss", history.last().validLoss());
            if (json) System.out.println(new ObjectMapper().writeValueAsString(result));
        }
        return 0;
    }

    static double meanImagesPerSecond(History history) {
        return history.epochs().stream().mapToDouble(EpochStats::imagesPerSecond).average().orElse(0);
    }

    private void checkOptions() {
        if (plot != null && !plot.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--plot writes a PNG file: give a name ending in .png, got " + plot);
        }
        if (modelFile != null) {
            if (resume != null) throw new IllegalArgumentException("give --model or --resume, not both");
            // Checked before training: jdnn's model files (version 1) hold the SimpleCNN's own network only.
            if (save != null && !isOnnx(save)) {
                throw new IllegalArgumentException("--save " + save + ": a model fine-tuned from --model is saved as"
                        + " ONNX for now: give a name ending in .onnx (jdnn model files hold the SimpleCNN's own"
                        + " network until model files version 2)");
            }
            for (String option : List.of("--dilation", "--residual")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new IllegalArgumentException(option + " shapes the SimpleCNN's own network; --model brings"
                            + " its own: leave out " + option);
                }
            }
        }
        if (resume != null) {
            for (String option : RUN_SETTINGS) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new IllegalArgumentException("--resume continues the checkpointed run with its own settings; leave out " + option);
                }
            }
        }
    }

    private static boolean isOnnx(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    /** --resume names a checkpoint folder, or a checkpoint file in it. */
    private Path checkpoint() {
        return Files.isDirectory(resume) ? resume.resolve(SimpleCNN.LAST_CHECKPOINT) : resume;
    }

    /**
     * The builder checks every value; a refused one is reported with the option that gave it. The optimizer is set
     * before the learning rate so that the configuration, not the optimizer's lookup, checks the rate.
     */
    private SimpleCNN build(Dataset first) throws IOException {
        SimpleCNNBuilder builder;
        if (modelFile != null) {
            builder = SimpleCNN.builder().startFrom(modelFile);
        } else {
            int convOut = 64 * (first.height() / 4) * (first.width() / 4);
            builder = SimpleCNN.builder().inChannels(List.of(first.channels(), 32)).outChannels(64)
                    .inFeatures(List.of(convOut, 128)).outFeatures(first.classCount()).filterSize(3)
                    .dilation(dilation).residual(residual).initializer("kaiming-normal");
        }
        try {
            // A model file's input shape and classes are checked against the data by summary and fit.
            return builder.optimizer(optimizer).epochs(epochs)
                    .batchSize(batchSize).learningRate(learningRate).seed(seed).progress(!json)
                    .threads(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads).build();
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the --model file could not be read: input, exit status 2
        } catch (OutOfRangeException e) {
            String option = OPTIONS.get(e.parameter());
            if (option == null) throw e;
            String zero = option.equals("--threads") ? ", or 0 for all cores" : "";
            throw new IllegalArgumentException(
                    option + " " + e.value() + " is out of range; allowed: " + e.allowed() + zero, e);
        }
    }

    /** A checkpoint that cannot be written ends the run as the IOException it is (exit status 2). */
    private History train(SimpleCNN model, Dataset train) throws IOException {
        try {
            return resume != null ? model.resume(train) : model.fit(train);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
