package dev.jdnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.data.Dataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task that fails on its first attempt, after it has predicted part of its partition, is retried by Spark
 * ({@code local[2,2]}: 2 attempts per task), and the written output holds every input row exactly once, with the
 * predictions of a run without the failure.
 */
class SparkPredictorRetryTest {
    /** Failed task attempts, counted by a listener on the driver (the same JVM in local mode). */
    private static final AtomicInteger FAILED_TASKS = new AtomicInteger();
    private static SparkSession spark;
    @TempDir
    static Path folder;

    @BeforeAll
    static void start() {
        spark = TestModel.spark();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() instanceof TaskFailedReason) FAILED_TASKS.incrementAndGet();
            }
        });
    }


    @Test
    void aTaskFailingOnceStillWritesEveryRowExactlyOnce() throws IOException {
        Dataset test = TestModel.data().test();
        SparkPredictor predictor = SparkPredictor.load(spark, TestModel.file()).withBatchSize(50);
        var scored = predictor.predict(TestModel.floatRows(spark, test, 4), "image").drop("image");
        List<Row> reference = scored.orderBy("id").collectAsList();
        int failuresBefore = FAILED_TASKS.get();

        // The fault: the first attempt of partition 1's task dies at its 120th row, after two batches were predicted
        // and 119 rows had gone downstream.
        var faulty = scored.map((MapFunction<Row, Row>) row -> failOnce(row), Encoders.row(scored.schema()));
        faulty.write().parquet(folder.resolve("scored").toString());
        List<Row> written = spark.read().parquet(folder.resolve("scored").toString()).orderBy("id").collectAsList();

        assertEquals(1, FAILED_TASKS.get() - failuresBefore, "the injected failure happened once");
        assertEquals(reference, written);
    }

    /** Rows seen by each task attempt. */
    private static final Map<Long, Integer> ROWS_SEEN = new ConcurrentHashMap<>();

    private static Row failOnce(Row row) {
        TaskContext task = TaskContext.get();
        int seen = ROWS_SEEN.merge(task.taskAttemptId(), 1, Integer::sum);
        if (task.partitionId() == 1 && task.attemptNumber() == 0 && seen == 120) {
            throw new IllegalStateException("injected failure of partition 1, attempt 0, at row 120");
        }
        return row;
    }
}
