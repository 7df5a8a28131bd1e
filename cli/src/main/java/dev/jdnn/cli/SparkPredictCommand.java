package dev.jdnn.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bin/jdnn spark predict}: batch inference on Spark, with the accuracy when the data has labels. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict the classes of a data set's images on Spark with a saved model (the test part of "
                + "--dataset or of --data's IDX files or image folders; a folder of images without them is read whole,"
                + " unlabelled). Prints the count, the images per second and, when the images have labels, the "
                + "accuracy.")
final class SparkPredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model or checkpoint file")
    Path modelFile;
    @Option(names = "--dataset", paramLabel = "NAME",
            description = "a named data set: fashion-mnist (Debian's dataset-fashion-mnist), read on the driver")
    String dataset;
    @Option(names = "--data", paramLabel = "DIR",
            description = "a folder (any path or URI Spark reads) of image folders train/ and test/ (one sub-folder "
                    + "per class: the test images are predicted), of IDX files (local, read on the driver), or of "
                    + "images (PNG, JPEG, BMP, in sub-folders too; unlabelled)")
    String data;
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark's master (default: spark-submit's, else local[*])")
    String master;
    @Option(names = "--output", paramLabel = "DIR",
            description = "write the predictions (the image's path or index, its label if known, prediction, "
                    + "class, probability) as Parquet files into DIR, which must not exist")
    String output;
    @Option(names = "--batch-size", defaultValue = "256",
            description = "images per predictor call, 1 to 65536 (default ${DEFAULT-VALUE})")
    int batchSize;
    @Option(names = "--repeat", defaultValue = "1", paramLabel = "N",
            description = "predict N times, 1 to 1000, and report the median pass (the first pass also compiles the "
                    + "model on each executor and warms the JIT); not with --output (default ${DEFAULT-VALUE})")
    int repeat;
    @Option(names = "--compare-one-jvm",
            description = "also predict the same images as often in this JVM through one predictor of as many "
                    + "threads as Spark has task slots, and report both (data read on the driver only)")
    boolean compareOneJvm;
    @Option(names = "--json", description = "end with one JSON line of the results") boolean json;

    @Override
    public Integer call() throws Exception {
        if (dataset != null && data != null) throw new IllegalArgumentException("give --dataset or --data, not both");
        if (repeat < 1 || repeat > 1000) {
            throw new IllegalArgumentException("--repeat " + repeat + " is out of range; allowed: 1 to 1000");
        }
        if (repeat > 1 && output != null) throw new IllegalArgumentException("give --repeat or --output, not both");
        if (batchSize < 1 || batchSize > 65_536) {
            throw new IllegalArgumentException("--batch-size " + batchSize + " is out of range; allowed: 1 to 65536");
        }
        return SparkCommand.run(() -> new SparkPrediction(this).run());
    }
}
