package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.Evaluation;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.data.ImageFolderReader;
import dev.jdnn.spark.ModelFactory;
import dev.jdnn.spark.SparkTrainer;
import dev.jdnn.spark.TrainingRun;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;

/** What {@code bin/jdnn spark train} runs: the data split on the driver, a {@link SparkTrainer} run, the test score. */
final class SparkTraining {
    /** The validation share of the training images, as bin/jdnn train holds out. */
    private static final double VALID_SIZE = 0.1;
    private final SparkTrainCommand options;

    SparkTraining(SparkTrainCommand options) {
        this.options = options;
    }

    int run() throws Exception {
        long start = System.nanoTime();
        Datasets.TrainTest sets = options.data != null
                ? Datasets.fromDirectory(options.data, new ImageFolderReader())
                : SparkInputs.named(options.dataset);
        Dataset first = sets.train();
        ModelFactory factory = factory(first.channels(), first.height(), first.width(), first.classCount());
        Dataset.Split split = first.split(VALID_SIZE, options.seed);
        SparkSession spark = SparkSessions.start("jdnn spark train", options.master);
        try {
            List<String> classes = first.classNames();
            SparkTrainer trainer = SparkTrainer.of(spark, factory)
                    .withImageShape(first.channels(), first.height(), first.width()).withClassNames(classes)
                    .withSyncInterval(options.syncInterval).withCheckpointFolder(options.checkpointDir);
            if (options.workers != null) trainer = trainer.withWorkers(options.workers);
            SparkInputs.Images train = SparkInputs.driverRows(spark, split.train(), classes);
            SparkInputs.Images valid = SparkInputs.driverRows(spark, split.valid(), classes);
            SparkTrainer configured = trainer;
            TrainingRun run = SparkSessions.inputErrors(() -> configured.fit(train.rows(), valid.rows(), "image", "label"));
            try (SimpleCNN model = SimpleCNN.load(new ByteArrayInputStream(run.modelFile()))) {
                Evaluation evaluation = model.evaluate(sets.test());
                if (options.save != null) model.save(options.save);
                double seconds = (System.nanoTime() - start) / 1e9;
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("test_acc", evaluation.accuracy());
                result.put("epochs_run", run.epochsRun());
                result.put("train_ips", run.imagesPerSecond());
                result.put("seconds", seconds);
                result.put("master", spark.sparkContext().master());
                result.put("workers", run.workers());
                result.put("images_per_worker", run.imagesPerWorker());
                result.put("train_seconds", run.seconds());
                result.put("syncs", run.syncs());
                result.put("sync_bytes", run.messageBytes());
                result.put("sync_seconds", run.syncSeconds());
                result.put("sync_gather_seconds", run.gatherSeconds());
                result.put("sync_exchange_seconds", run.exchangeSeconds());
                result.put("stage_attempts", run.stageAttempts());
                if (options.json) {
                    System.out.println(new ObjectMapper().writeValueAsString(result));
                } else {
                    System.out.printf("trained %d epochs on %d workers (%d images each) in %.1f s: %.0f images/s;"
                                    + " %d averagings of %d bytes per worker, %.3f s each%n", run.epochsRun(),
                            run.workers(), run.imagesPerWorker(), run.seconds(), run.imagesPerSecond(), run.syncs(),
                            run.messageBytes(), run.syncSeconds());
                    System.out.printf("test accuracy %.4f  (macro F1 %.4f)%n", evaluation.accuracy(), evaluation.f1());
                    System.out.print(evaluation.confusionTable(sets.test().classNames()));
                }
            }
            return 0;
        } finally {
            spark.stop();
        }
    }

    /**
     * W1's network as {@code bin/jdnn train} builds it, for images of channels x height x width and {@code classes}
     * classes; each worker computes on as many threads as its task has CPUs ({@code spark.task.cpus}).
     */
    private ModelFactory factory(int channels, int height, int width, int classes) {
        int epochs = options.epochs;
        int batchSize = options.batchSize;
        double learningRate = options.learningRate;
        long seed = options.seed;
        int convOut = 64 * (height / 4) * (width / 4);
        return () -> {
            TaskContext task = TaskContext.get();
            return SimpleCNN.builder().inChannels(List.of(channels, 32)).outChannels(64)
                    .inFeatures(List.of(convOut, 128)).outFeatures(classes).filterSize(3)
                    .initializer("kaiming-normal").optimizer("adam").epochs(epochs).batchSize(batchSize)
                    .learningRate(learningRate).seed(seed).progress(false)
                    .threads(task == null ? 1 : Math.max(1, task.cpus())).build();
        };
    }
}
