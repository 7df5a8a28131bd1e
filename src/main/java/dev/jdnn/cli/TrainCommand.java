package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.Evaluation;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Datasets;
import dev.jdnn.data.ImageFolderReader;
import dev.jdnn.train.History;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Trains the SimpleCNN on a data set, then reports its test accuracy and confusion matrix. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a SimpleCNN (with no data option: on the embedded Fashion-MNIST subset).")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--dataset", description = "a named data set: fashion-mnist (Debian's dataset-fashion-mnist)")
    String dataset;
    @Option(names = "--data", description = "a folder of IDX files or of image folders (train/ and test/)")
    Path data;
    @Option(names = "--epochs", defaultValue = "5") int epochs;
    @Option(names = "--batch-size", defaultValue = "100") int batchSize;
    @Option(names = "--learning-rate", defaultValue = "0.001") double learningRate;
    @Option(names = "--optimizer", defaultValue = "adam") String optimizer;
    @Option(names = "--threads", defaultValue = "0", description = "OpenMP threads (0: all cores)") int threads;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--json", description = "end with one JSON line of the results") boolean json;

    @Override
    public Integer call() throws Exception {
        Datasets.TrainTest sets = load();
        var first = sets.train();
        int convOut = (int) (64 * (first.height() / 4) * (first.width() / 4));
        long start = System.nanoTime();
        try (SimpleCNN model = SimpleCNN.builder().inChannels(List.of(first.channels(), 32)).outChannels(64)
                .inFeatures(List.of(convOut, 128)).outFeatures(first.classCount()).filterSize(3)
                .initializer("kaiming-normal").epochs(epochs).batchSize(batchSize).learningRate(learningRate)
                .optimizer(optimizer).seed(seed).progress(!json)
                .threads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors()).build()) {
            if (!json) System.out.print(model.summary(first.channels(), first.height(), first.width()));
            History history = model.fit(sets.train());
            Evaluation evaluation = model.evaluate(sets.test());
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!json) {
                System.out.printf("test accuracy %.4f  (macro F1 %.4f)%n", evaluation.accuracy(), evaluation.f1());
                System.out.print(evaluation.confusionTable(sets.test().classNames()));
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("test_acc", evaluation.accuracy());
            result.put("epochs_run", history.epochsRun());
            result.put("train_ips", history.epochs().stream().mapToDouble(e -> e.imagesPerSecond()).average().orElse(0));
            result.put("seconds", seconds);
            result.put("final_train_loss", history.last().trainLoss());
            result.put("final_valid_loss", history.last().validLoss());
            if (json) System.out.println(new ObjectMapper().writeValueAsString(result));
        }
        return 0;
    }

    private Datasets.TrainTest load() throws java.io.IOException {
        if (dataset != null && data != null) throw new IllegalArgumentException("give --dataset or --data, not both");
        if (data != null) return Datasets.fromDirectory(data, new ImageFolderReader());
        if (dataset == null) return Datasets.embeddedDefault();
        if (dataset.equals("fashion-mnist")) return Datasets.fashionMnist();
        throw new IllegalArgumentException("unknown data set '" + dataset + "'; known: fashion-mnist");
    }
}
