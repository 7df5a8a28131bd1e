package dev.jdnn.spark;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * What the Spark tests share: the embedded Fashion-MNIST subset, W1's network trained on it for one epoch (about a
 * second, 0.8 test accuracy: a model whose predictions vary), saved once per JVM, and local Spark sessions.
 */
final class TestModel {
    private static Path file;

    private TestModel() {}

    static Datasets.TrainTest data() {
        return Datasets.embeddedDefault();
    }

    /** The trained model's file, trained at the first call. */
    static synchronized Path file() {
        if (file != null) return file;
        try {
            Path folder = Files.createTempDirectory("jdnn-spark-test");
            folder.toFile().deleteOnExit();
            Path saved = folder.resolve("w1.jdnn");
            try (SimpleCNN model = SimpleCNN.builder().inChannels(List.of(1, 32)).outChannels(64)
                    .inFeatures(List.of(3136, 128)).outFeatures(10).initializer("kaiming-normal").optimizer("adam")
                    .learningRate(1e-3).epochs(1).batchSize(100).seed(0).threads(1).progress(false).build()) {
                model.fit(data().train());
                model.save(saved);
            }
            saved.toFile().deleteOnExit();
            file = saved;
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The tests' session, started once per JVM (a start costs seconds) and stopped by Spark's shutdown hook:
     * {@code local[2,2]}, 2 task slots and 2 attempts per task (the retry tests need the second), without the UI,
     * on the loopback interface.
     */
    static synchronized SparkSession spark() {
        return SparkSession.builder().master("local[2,2]").appName("jdnn-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    /** Rows (id int, label int, image array<float>) of {@code data}, in {@code partitions} partitions. */
    static org.apache.spark.sql.Dataset<Row> floatRows(SparkSession spark, Dataset data, int partitions) {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("label", DataTypes.IntegerType, false)
                .add("image", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        List<Row> rows = new ArrayList<>(data.count());
        for (int i = 0; i < data.count(); i++) rows.add(RowFactory.create(i, data.label(i), data.image(i)));
        return spark.createDataFrame(rows, schema).repartition(partitions);
    }
}
