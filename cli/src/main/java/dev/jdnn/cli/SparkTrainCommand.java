package dev.jdnn.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/jdnn spark train}: W1's network trained data-parallel on Spark, then its test accuracy. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the SimpleCNN of bin/jdnn train on Spark with N workers (a barrier stage), which average "
                + "their weights and optimizer state at the end of every epoch (and every --sync-interval steps); "
                + "then print its test accuracy. The data is read on the driver, as bin/jdnn train reads it.")
final class SparkTrainCommand implements Callable<Integer> {
    @Option(names = "--dataset", paramLabel = "NAME",
            description = "a named data set: fashion-mnist (Debian's dataset-fashion-mnist)")
    String dataset;
    @Option(names = "--data", paramLabel = "DIR",
            description = "a folder of IDX files, or with image folders train/ and test/ (one sub-folder per class)")
    Path data;
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark's master (default: spark-submit's, else local[*])")
    String master;
    @Option(names = "--workers", paramLabel = "N",
            description = "workers, 1 or more; Spark needs that many free task slots at once (default: the session's"
                    + " default parallelism, on local[*] the cores)")
    Integer workers;
    @Option(names = "--epochs", defaultValue = "5", description = "epochs, 1 or more (default ${DEFAULT-VALUE})")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "100",
            description = "images per batch on each worker, 1 or more (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--learning-rate", defaultValue = "0.001",
            description = "Adam's step size (default ${DEFAULT-VALUE})")
    double learningRate;
    @Option(names = "--seed", defaultValue = "0",
            description = "seed of the split and of every worker's weights and shuffles (default ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--sync-interval", defaultValue = "0", paramLabel = "STEPS",
            description = "also average every STEPS optimizer steps; 0: at the end of each epoch only (default "
                    + "${DEFAULT-VALUE}); each averaging costs Spark's barrier about a second")
    long syncInterval;
    @Option(names = "--checkpoint-dir", paramLabel = "DIR",
            description = "each worker writes DIR/worker-<i>/last.jdnn after every epoch; a stage Spark retries "
                    + "resumes from them (on a cluster: a folder every executor sees at the same path)")
    String checkpointDir;
    @Option(names = "--save", paramLabel = "FILE", description = "write the trained model to FILE (docs/FORMAT.md)")
    Path save;
    @Option(names = "--json", description = "end with one JSON line of the results") boolean json;

    @Override
    public Integer call() throws Exception {
        if (dataset != null && data != null) throw new IllegalArgumentException("give --dataset or --data, not both");
        if (workers != null && workers < 1) {
            throw new IllegalArgumentException("--workers " + workers + " is out of range; allowed: 1 or more");
        }
        return SparkCommand.run(() -> new SparkTraining(this).run());
    }
}
