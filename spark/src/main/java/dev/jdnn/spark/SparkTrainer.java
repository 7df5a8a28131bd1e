package dev.jdnn.spark;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.DataFormatException;
import dev.jdnn.data.Preprocessing;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.StructField;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Data-parallel training on Spark: N workers, the tasks of one barrier stage, each train the same network on their
 * own partition of the data and average their state with the others every {@link #withSyncInterval interval}
 * optimizer steps and at the end of every epoch (parameter averaging, as Deeplearning4j's
 * {@code ParameterAveragingTrainingMaster}; see {@link AllGatherAveraging} for what a synchronization costs). After
 * each epoch's averaging the workers are identical, so they validate on the same validation set alike, stop early
 * alike, and write the same checkpoints; the run ends with one model file, whose weights are checked equal on every
 * worker.
 * <pre>{@code
 * TrainingRun run = SparkTrainer.of(spark, () -> SimpleCNN.builder().epochs(3).seed(0).threads(1).build())
 *         .withImageShape(1, 28, 28).withClassNames(classes).withWorkers(2)
 *         .fit(train, valid, "image", "label");
 * Files.write(Path.of("model.jdnn"), run.modelFile());
 * }</pre>
 * <p>Images come as {@link SparkPredictor} takes them (encoded images and image structs prepared by the model's
 * stored preprocessing, float or double arrays as they are), labels as integer class indices. Each worker holds its
 * partition in memory, and the validation set, collected on the driver and broadcast, is held by every worker.
 * <p><b>Failures.</b> When a worker fails, Spark stops the stage and runs it again (up to
 * {@code spark.stage.maxConsecutiveAttempts}, 4 by default). With a {@linkplain #withCheckpointFolder checkpoint
 * folder}, each worker writes {@code worker-<i>/last.jdnn} there after every epoch and the new attempt resumes from
 * them, ending with the weights an uninterrupted run would have had; on a cluster the folder must be one every
 * executor sees at the same path (a shared file system).
 * <p>Spark needs as many free task slots as workers, at once, and no dynamic allocation (barrier mode). Immutable.
 */
public final class SparkTrainer {
    private final SparkSession spark;
    private final ModelFactory factory;
    private final long[] imageShape;
    private final List<String> classNames;
    private final int workers;
    private final long syncInterval;
    private final String checkpointFolder;
    private final SyncListener listener;

    private SparkTrainer(SparkSession spark, ModelFactory factory, long[] imageShape, List<String> classNames,
                         int workers, long syncInterval, String checkpointFolder, SyncListener listener) {
        this.spark = spark;
        this.factory = factory;
        this.imageShape = imageShape;
        this.classNames = classNames;
        this.workers = workers;
        this.syncInterval = syncInterval;
        this.checkpointFolder = checkpointFolder;
        this.listener = listener;
    }

    /**
     * A trainer of the models {@code factory} builds, with one worker per default slot of the session
     * ({@code spark.default.parallelism}), averaging at the ends of epochs only; give the image shape and the class
     * names before {@link #fit}.
     */
    public static SparkTrainer of(SparkSession spark, ModelFactory factory) {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(factory, "factory");
        return new SparkTrainer(spark, factory, null, null, spark.sparkContext().defaultParallelism(), 0, null, null);
    }

    /**
     * This trainer for images of {@code channels x height x width}: what array columns hold, and what encoded images
     * are resized to.
     *
     * @throws IllegalArgumentException unless every size is at least 1
     */
    public SparkTrainer withImageShape(long channels, long height, long width) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("the image shape must be at least 1 x 1 x 1, got " + channels + " x "
                    + height + " x " + width);
        }
        return new SparkTrainer(spark, factory, new long[] {channels, height, width}, classNames, workers, syncInterval,
                checkpointFolder, listener);
    }

    /** This trainer with the classes' names, in label order: the model file keeps them. */
    public SparkTrainer withClassNames(List<String> classNames) {
        if (classNames == null || classNames.isEmpty()) {
            throw new IllegalArgumentException("give at least one class name, got " + classNames);
        }
        return new SparkTrainer(spark, factory, imageShape, List.copyOf(classNames), workers, syncInterval,
                checkpointFolder, listener);
    }

    /**
     * This trainer with {@code workers} workers.
     *
     * @throws IllegalArgumentException unless workers is at least 1
     */
    public SparkTrainer withWorkers(int workers) {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        return new SparkTrainer(spark, factory, imageShape, classNames, workers, syncInterval, checkpointFolder,
                listener);
    }

    /**
     * This trainer averaging every {@code steps} optimizer steps as well as at the end of every epoch; 0 averages at
     * the ends of epochs only.
     *
     * @throws IllegalArgumentException if steps is negative
     */
    public SparkTrainer withSyncInterval(long steps) {
        if (steps < 0) throw new IllegalArgumentException("the sync interval must be 0 or more steps, got " + steps);
        return new SparkTrainer(spark, factory, imageShape, classNames, workers, steps, checkpointFolder, listener);
    }

    /**
     * This trainer writing each worker's checkpoint into {@code folder}{@code /worker-<i>} after every epoch, and
     * resuming from there (see the class description); null writes none.
     */
    public SparkTrainer withCheckpointFolder(String folder) {
        return new SparkTrainer(spark, factory, imageShape, classNames, workers, syncInterval, folder, listener);
    }

    /** The tests' fault injection: {@code listener} is told before every synchronization of every worker. */
    SparkTrainer withSyncListener(SyncListener listener) {
        return new SparkTrainer(spark, factory, imageShape, classNames, workers, syncInterval, checkpointFolder,
                listener);
    }

    /**
     * Trains on {@code train}, spread over the workers, validating after every epoch on {@code valid} (collected on
     * the driver). When the training fails on the workers (bad rows there included) more often than Spark retries
     * it, this throws Spark's {@code SparkException}, undeclared (Scala declares no checked exceptions).
     *
     * @throws IllegalStateException if the image shape or the class names were not given
     * @throws IllegalArgumentException if a column is missing or of a type not read, or the validation set has an
     *     image that cannot be read or a label out of range
     */
    public TrainingRun fit(Dataset<Row> train, Dataset<Row> valid, String imageColumn, String labelColumn) {
        if (imageShape == null) throw new IllegalStateException("give the image shape (withImageShape) before fit");
        if (classNames == null) throw new IllegalStateException("give the class names (withClassNames) before fit");
        ImageInput input = ImageInput.of(field(train, imageColumn));
        ImageInput.of(field(valid, imageColumn));
        requireLabels(field(train, labelColumn));
        requireLabels(field(valid, labelColumn));
        Preprocessing preprocessing;
        try (SimpleCNN model = factory.build()) {
            preprocessing = model.preprocessing();
        }
        var context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        var validation = context.broadcast(collect(valid.select(imageColumn, labelColumn), preprocessing));
        try {
            Dataset<Row> selected = train.select(imageColumn, labelColumn);
            RDD<Row> rows = selected.repartition(workers).as(RowEncoders.withFloatArrays(selected.schema())).rdd();
            ClassTag<WorkerReport> tag = ClassTag$.MODULE$.apply(WorkerReport.class);
            RDD<WorkerReport> reports = rows.barrier().mapPartitions(new TrainPartition(factory, validation,
                    imageShape, classNames, input, syncInterval, checkpointFolder, listener), false, tag);
            // A shuffle after the barrier stage makes it a map stage, which Spark retries when a worker fails (a
            // failed barrier result stage would end the job).
            List<WorkerReport> all = reports.toJavaRDD().repartition(1).collect();
            return summary(all.stream().sorted(Comparator.comparingInt(WorkerReport::worker)).toList());
        } finally {
            validation.destroy();
        }
    }

    private TrainingRun summary(List<WorkerReport> reports) {
        WorkerReport first = reports.getFirst();
        double seconds = reports.stream().mapToDouble(WorkerReport::fitSeconds).max().orElseThrow();
        int epochsTrained = first.epochsRun() - first.resumedEpochs();
        double images = (double) first.trainImages() * reports.size() * epochsTrained;
        long syncs = first.syncs();
        double syncSeconds = reports.stream().mapToDouble(WorkerReport::syncSeconds).average().orElseThrow();
        double gatherSeconds = reports.stream().mapToDouble(WorkerReport::gatherSeconds).average().orElseThrow();
        double exchange = 0;
        for (int s = 0; s < syncs; s++) {
            int sync = s;
            exchange += reports.stream().mapToDouble(r -> r.gatherEach()[sync]).min().orElseThrow();
        }
        return new TrainingRun(first.modelFile(), reports.size(), first.epochsRun(), first.trainImages(), seconds,
                images / seconds, syncs, first.messageBytes(), syncs == 0 ? 0 : syncSeconds / syncs,
                syncs == 0 ? 0 : gatherSeconds / syncs, syncs == 0 ? 0 : exchange / syncs, first.stageAttempt() + 1,
                first.resumedEpochs());
    }

    private LabelledImages collect(Dataset<Row> valid, Preprocessing preprocessing) {
        List<Row> rows = valid.collectAsList();
        int size = Math.toIntExact(imageShape[0] * imageShape[1] * imageShape[2]);
        float[] pixels = new float[Math.multiplyExact(rows.size(), size)];
        int[] labels = new int[rows.size()];
        ImageInput input = ImageInput.of(valid.schema().fields()[0]);
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            if (row.isNullAt(0) || row.isNullAt(1)) {
                throw new IllegalArgumentException("validation row " + i + " has a null "
                        + (row.isNullAt(0) ? "image" : "label"));
            }
            labels[i] = ((Number) row.get(1)).intValue();
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("validation row " + i + " has label " + labels[i]
                        + "; the classes are 0 to " + (classNames.size() - 1) + " " + classNames);
            }
            try {
                input.read(row.get(0), preprocessing, imageShape, pixels, i * size);
            } catch (DataFormatException e) {
                throw new IllegalArgumentException("validation row " + i + ": " + e.getMessage(), e);
            }
        }
        return new LabelledImages(pixels, labels);
    }

    private static StructField field(Dataset<Row> data, String column) {
        List<String> names = Arrays.asList(data.schema().fieldNames());
        int index = names.indexOf(column);
        if (index < 0) throw new IllegalArgumentException("no column '" + column + "' in the data; its columns: " + names);
        return data.schema().fields()[index];
    }

    private static void requireLabels(StructField field) {
        if (!(field.dataType() instanceof IntegerType || field.dataType() instanceof LongType
                || field.dataType() instanceof ShortType || field.dataType() instanceof ByteType)) {
            throw new IllegalArgumentException("the label column '" + field.name() + "' is of type "
                    + field.dataType().simpleString() + "; allowed: an integer type (class indices)");
        }
    }
}
