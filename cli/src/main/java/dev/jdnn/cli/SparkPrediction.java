package dev.jdnn.cli;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.spark.SparkPredictor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What {@code bin/jdnn spark predict} runs: one prediction pass, timed, then its figures. */
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
            var scored = predictor.predict(images.rows(), images.image());
            List<Column> columns = new ArrayList<>(List.of(col(images.key())));
            if (images.label() != null) columns.add(col(images.label()));
            Column names = array(predictor.classNames().stream().map(name -> lit(name)).toArray(Column[]::new));
            columns.addAll(List.of(col(SparkPredictor.PREDICTION),
                    element_at(names, col(SparkPredictor.PREDICTION).plus(1)).as("class"),
                    col(SparkPredictor.PROBABILITY)));
            var results = scored.select(columns.toArray(Column[]::new));
            Column correct = images.label() == null ? lit(0)
                    : when(col(images.label()).equalTo(col(SparkPredictor.PREDICTION)), 1).otherwise(0);

            long start = System.nanoTime();
            Row totals = SparkSessions.inputErrors(() -> {
                if (options.output == null) return results.agg(count(lit(1)), sum(correct)).first();
                results.write().parquet(options.output);
                return spark.read().parquet(options.output).agg(count(lit(1)), sum(correct)).first();
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            long count = totals.getLong(0);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("count", count);
            result.put("images_per_second", count / seconds);
            if (images.label() != null) {
                result.put("test_acc", count == 0 ? Double.NaN : totals.getLong(1) / (double) count);
            }
            result.put("seconds", seconds);
            result.put("master", spark.sparkContext().master());
            result.put("partitions", images.rows().rdd().getNumPartitions());
            if (options.json) {
                System.out.println(new ObjectMapper().writeValueAsString(result));
            } else {
                System.out.printf("predicted %d images in %.2f s (%.0f images/s) on %s%n", count, seconds,
                        count / seconds, spark.sparkContext().master());
                if (images.label() != null) System.out.printf("test accuracy %.4f%n", result.get("test_acc"));
                if (options.output != null) System.out.println("predictions written to " + options.output);
            }
            return 0;
        } finally {
            spark.stop();
        }
    }
}
