package dev.jdnn.cli;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.spark.SparkPredictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * What {@code bin/jdnn spark predict} runs: timed prediction passes over the test images (with --output, one that
 * writes them), optionally alternating with passes of a one-JVM predictor, then the figures.
 */
final class SparkPrediction {
    private final SparkPredictCommand options;

    SparkPrediction(SparkPredictCommand options) {
        this.options = options;
    }

    int run() throws Exception {
        if (options.output != null && !options.output.contains("://") && Files.exists(Path.of(options.output))) {
            throw new IllegalArgumentException("--output " + options.output + " exists already: give a new folder");
        }
        if (!Files.isRegularFile(options.modelFile)) {
            throw new IllegalArgumentException("--model " + options.modelFile + ": no such file");
        }
        SparkSession spark = SparkSessions.start("jdnn spark predict", options.master);
        try {
            SparkPredictor predictor = SparkPredictor.load(spark, options.modelFile).withBatchSize(options.batchSize);
            SparkInputs.Images images = SparkInputs.testImages(spark, options.dataset, options.data,
                    predictor.classNames());
            if (options.compareOneJvm && images.driverData() == null) {
                throw new IllegalArgumentException("--compare-one-jvm needs data read on the driver: --dataset or"
                        + " IDX files");
            }
            Map<String, Object> result = measure(spark, predictor, images);
            if (options.json) {
                System.out.println(new ObjectMapper().writeValueAsString(result));
            } else {
                print(result, images.label() != null);
            }
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** The passes and their figures: medians over the passes. */
    private Map<String, Object> measure(SparkSession spark, SparkPredictor predictor, SparkInputs.Images images)
            throws Exception {
        Dataset<Row> results = results(predictor, images);
        double[] passes = new double[options.repeat];
        double[] oneJvmPasses = new double[options.repeat];
        Row totals = null;
        try (OneJvmPredictions oneJvm = options.compareOneJvm ? new OneJvmPredictions(options.modelFile,
                images.driverData(), spark.sparkContext().defaultParallelism(), options.batchSize) : null) {
            for (int pass = 0; pass < passes.length; pass++) {
                long start = System.nanoTime();
                totals = SparkSessions.inputErrors(() -> {
                    if (options.output == null) return totals(spark, results, images.label() != null);
                    results.write().parquet(options.output);
                    return totals(spark, spark.read().parquet(options.output), images.label() != null);
                });
                passes[pass] = (System.nanoTime() - start) / 1e9;
                if (oneJvm != null) oneJvmPasses[pass] = oneJvm.pass();
            }
            long count = totals.getLong(0);
            double seconds = OneJvmPredictions.median(passes);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("count", count);
            result.put("images_per_second", count / seconds);
            if (images.label() != null) {
                result.put("test_acc", count == 0 ? Double.NaN : totals.getLong(1) / (double) count);
            }
            result.put("seconds", seconds);
            result.put("master", spark.sparkContext().master());
            result.put("partitions", images.rows().rdd().getNumPartitions());
            result.put("batch_size", options.batchSize);
            if (options.repeat > 1) result.put("pass_seconds", passes);
            if (oneJvm != null) {
                double oneJvmSeconds = OneJvmPredictions.median(oneJvmPasses);
                result.put("one_jvm_threads", oneJvm.threads());
                result.put("one_jvm_images_per_second", count / oneJvmSeconds);
                result.put("one_jvm_test_acc", oneJvm.accuracy());
                result.put("spark_over_one_jvm", oneJvmSeconds / seconds);
                if (options.repeat > 1) result.put("one_jvm_pass_seconds", oneJvmPasses);
            }
            return result;
        }
    }

    /**
     * The count of {@code results} and of those whose prediction is their label, in one stage (no shuffle): each task
     * adds its partition's counts to two accumulators, which Spark applies once per partition whatever the retries.
     */
    private static Row totals(SparkSession spark, Dataset<Row> results, boolean labelled) {
        LongAccumulator count = spark.sparkContext().longAccumulator("images");
        LongAccumulator correct = spark.sparkContext().longAccumulator("correct");
        results.foreachPartition((ForeachPartitionFunction<Row>) rows -> {
            long n = 0;
            long right = 0;
            while (rows.hasNext()) {
                Row row = rows.next();
                n++;
                if (labelled && !row.isNullAt(2) && row.getInt(1) == row.getInt(2)) right++;
            }
            count.add(n);
            correct.add(right);
        });
        return RowFactory.create(count.value(), correct.value());
    }

    /** Each image's key, its label if known, its prediction, class name and probability. */
    private static Dataset<Row> results(SparkPredictor predictor, SparkInputs.Images images) {
        Dataset<Row> scored = predictor.predict(images.rows(), images.image());
        List<Column> columns = new ArrayList<>(List.of(col(images.key())));
        if (images.label() != null) columns.add(col(images.label()));
        Column names = array(predictor.classNames().stream().map(name -> lit(name)).toArray(Column[]::new));
        columns.addAll(List.of(col(SparkPredictor.PREDICTION),
                element_at(names, col(SparkPredictor.PREDICTION).plus(1)).as("class"),
                col(SparkPredictor.PROBABILITY)));
        return scored.select(columns.toArray(Column[]::new));
    }

    private void print(Map<String, Object> result, boolean labelled) {
        System.out.printf("predicted %d images in %.3f s (%.0f images/s) on %s%s%n", result.get("count"),
                result.get("seconds"), result.get("images_per_second"), result.get("master"),
                options.repeat > 1 ? ", median of " + options.repeat + " passes" : "");
        if (options.compareOneJvm) {
            System.out.printf("one JVM, %d-thread predictor: %.0f images/s; Spark / one JVM %.2f%n",
                    result.get("one_jvm_threads"), result.get("one_jvm_images_per_second"),
                    result.get("spark_over_one_jvm"));
        }
        if (labelled) System.out.printf("test accuracy %.4f%n", result.get("test_acc"));
        if (options.output != null) System.out.println("predictions written to " + options.output);
    }
}
