package dev.jdnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.Metric;
import dev.jdnn.SimpleCNN;
import dev.jdnn.W1;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.train.ParameterSync;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-parallel training of W1's network by 2 workers on {@code local[2,2]}: the model Spark returns is bit for bit the
 * one two threads of this JVM train from the same partitions with a plain averaging of their states at the ends of
 * epochs; a worker failing in the second epoch makes Spark retry the stage, which resumes from the workers'
 * checkpoints and ends with the same model.
 */
class SparkTrainerTest {
    private static final int EPOCHS = 2;
    private static SparkSession spark;
    private static Dataset train;
    private static Dataset valid;
    private static org.apache.spark.sql.Dataset<Row> trainRows;
    private static org.apache.spark.sql.Dataset<Row> validRows;
    /** The run without a failure, which both tests look at. */
    private static TrainingRun uninterrupted;
    @TempDir
    static Path folder;

    @BeforeAll
    static void start() {
        Datasets.TrainTest data = TestModel.data();
        Dataset.Split split = data.train().head(1200).split(0.1, 0);
        train = split.train();
        valid = split.valid();
        spark = TestModel.spark();
        trainRows = TestModel.floatRows(spark, train, 3).select("image", "label");
        validRows = TestModel.floatRows(spark, valid, 1).select("image", "label");
    }


    /** W1's network, 1 thread per worker. */
    static SimpleCNN w1() {
        return SimpleCNN.builder().inChannels(List.of(1, 32)).outChannels(64).inFeatures(List.of(3136, 128))
                .outFeatures(10).initializer("kaiming-normal").optimizer("adam").learningRate(1e-3).epochs(EPOCHS)
                .batchSize(100).seed(0).threads(1).progress(false).build();
    }

    private static SparkTrainer trainer() {
        return SparkTrainer.of(spark, SparkTrainerTest::w1).withImageShape(1, 28, 28)
                .withClassNames(Datasets.FASHION_MNIST_CLASSES).withWorkers(2);
    }

    private static synchronized TrainingRun uninterrupted() {
        if (uninterrupted == null) uninterrupted = trainer().fit(trainRows, validRows, "image", "label");
        return uninterrupted;
    }

    @Test
    void twoWorkersTrainTheModelTwoAveragingThreadsOfOneJvmTrain() throws IOException {
        TrainingRun run = uninterrupted();
        assertEquals(2, run.workers());
        assertEquals(EPOCHS, run.epochsRun());
        assertEquals(EPOCHS, run.syncs(), "interval 0: one synchronization per epoch");
        assertEquals(1, run.stageAttempts());
        // The partitions the workers had: the same shuffle of the same rows, read back here.
        List<List<Row>> partitions = trainRows.repartition(2).toJavaRDD().glom().collect();
        int common = Math.min(partitions.get(0).size(), partitions.get(1).size());
        assertEquals(common, run.imagesPerWorker());
        float[][] reference = averagedInThreads(partitions, common);
        try (SimpleCNN model = SimpleCNN.load(new ByteArrayInputStream(run.modelFile()))) {
            var parameters = model.network().parameters();
            assertArrayEquals(reference[0], parameters.values().toArray(ValueLayout.JAVA_FLOAT));
            assertArrayEquals(reference[1], parameters.state().toArray(ValueLayout.JAVA_FLOAT));
            assertEquals(Datasets.FASHION_MNIST_CLASSES, model.classNames());
            double accuracy = model.score(TestModel.data().test(), Metric.ACCURACY);
            assertTrue(accuracy > 0.5, "test accuracy " + accuracy);
            long stateBytes = 3 * parameters.values().byteSize() + parameters.state().byteSize(); // Adam: 2 moments
            assertEquals((stateBytes + 2) / 3 * 4, run.messageBytes(), "one Base64 message of the whole state");
        }
    }

    @Test
    void aWorkerFailingInTheSecondEpochIsRetriedFromTheCheckpoints() {
        String checkpoints = folder.resolve("checkpoints").toString();
        // Worker 1's first attempt dies before its second synchronization (the end of epoch 2): epoch 1's
        // checkpoints are written, epoch 2's are not.
        TrainingRun run = trainer().withCheckpointFolder(checkpoints)
                .withSyncListener((worker, attempt, sync) -> {
                    if (worker == 1 && attempt == 0 && sync == 1) {
                        throw new IllegalStateException("injected failure of worker 1 in epoch 2");
                    }
                })
                .fit(trainRows, validRows, "image", "label");
        assertEquals(2, run.stageAttempts());
        assertEquals(1, run.resumedEpochs());
        assertEquals(EPOCHS, run.epochsRun());
        assertArrayEquals(weightsOf(uninterrupted().modelFile()), weightsOf(run.modelFile()));
    }

    @Test
    void earlyStoppingEndsEveryWorkerAtTheSameEpoch() throws IOException {
        // Validation labels shifted by one class: the better the model learns, the higher the validation loss, and
        // patience 1 ends the run within a few epochs. Every worker validates the same averaged weights, so all stop
        // together (a worker stopping alone would leave the others waiting in allGather).
        var shifted = validRows.selectExpr("image", "(label + 1) % 10 as label");
        TrainingRun run = SparkTrainer.of(spark, () -> W1.model(6).earlyStopping(true).patience(1).threads(1)
                        .progress(false).build())
                .withImageShape(1, 28, 28).withClassNames(Datasets.FASHION_MNIST_CLASSES).withWorkers(2)
                .fit(trainRows, shifted, "image", "label");
        try (SimpleCNN model = SimpleCNN.load(new ByteArrayInputStream(run.modelFile()))) {
            String epochs = model.history().epochs().toString();
            assertTrue(model.history().stoppedEarly(), "the run did not stop early: " + epochs);
            assertEquals(model.history().epochsRun(), run.epochsRun());
            assertTrue(run.epochsRun() < 6, epochs);
        }
    }

    @Test
    void columnsAndSettingsAreCheckedOnTheDriver() {
        var noShape = SparkTrainer.of(spark, SparkTrainerTest::w1).withClassNames(List.of("a"));
        assertEquals("give the image shape (withImageShape) before fit", assertThrows(IllegalStateException.class,
                () -> noShape.fit(trainRows, validRows, "image", "label")).getMessage());
        var labels = assertThrows(IllegalArgumentException.class,
                () -> trainer().fit(trainRows.selectExpr("image", "cast(label as string) as label"), validRows, "image", "label"));
        assertEquals("the label column 'label' is of type string; allowed: an integer type (class indices)",
                labels.getMessage());
        assertThrows(IllegalArgumentException.class, () -> trainer().withWorkers(0));
        assertThrows(IllegalArgumentException.class, () -> trainer().withSyncInterval(-1));
    }

    private static float[] weightsOf(byte[] modelFile) {
        try (SimpleCNN model = SimpleCNN.load(new ByteArrayInputStream(modelFile))) {
            return model.network().parameters().values().toArray(ValueLayout.JAVA_FLOAT);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * The weights and running statistics of two threads training {@link #w1()} on {@code partitions} (cut to
     * {@code common} rows), replacing their whole state by its mean at the end of every epoch.
     */
    private static float[][] averagedInThreads(List<List<Row>> partitions, int common) {
        CyclicBarrier barrier = new CyclicBarrier(2);
        float[][][] shared = new float[2][][];
        List<CompletableFuture<float[][]>> runs = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int me = w;
            Dataset part = toDataset(partitions.get(w).subList(0, common));
            runs.add(CompletableFuture.supplyAsync(() -> {
                try (SimpleCNN model = w1()) {
                    model.synchronizeWith(new ParameterSync() {
                        @Override
                        public long interval() {
                            return 0;
                        }

                        @Override
                        public void synchronize(List<MemorySegment> state) {
                            shared[me] = state.stream().map(s -> s.toArray(ValueLayout.JAVA_FLOAT)).toArray(float[][]::new);
                            await(barrier);
                            for (int b = 0; b < state.size(); b++) {
                                for (int i = 0; i < shared[me][b].length; i++) {
                                    double sum = (double) shared[0][b][i] + shared[1][b][i];
                                    state.get(b).setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (sum / 2));
                                }
                            }
                            await(barrier);
                        }
                    });
                    model.fit(part, valid);
                    var parameters = model.network().parameters();
                    return new float[][] {parameters.values().toArray(ValueLayout.JAVA_FLOAT),
                            parameters.state().toArray(ValueLayout.JAVA_FLOAT)};
                }
            }));
        }
        float[][] first = runs.get(0).join();
        assertArrayEquals(first[0], runs.get(1).join()[0]);
        return first;
    }

    private static Dataset toDataset(List<Row> rows) {
        float[] pixels = new float[rows.size() * 784];
        int[] labels = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            List<Float> image = rows.get(i).getList(0);
            for (int p = 0; p < 784; p++) pixels[i * 784 + p] = image.get(p);
            labels[i] = rows.get(i).getInt(1);
        }
        return Dataset.of(pixels, rows.size(), 1, 28, 28, labels, Datasets.FASHION_MNIST_CLASSES);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
