package dev.jdnn.spark;

import dev.jdnn.SimpleCNN;
import dev.jdnn.inference.CompiledModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Batch inference on Spark: adds a model's predictions to a {@code Dataset<Row>} of images, computed on the executors
 * by the same {@link CompiledModel} that serves predictions in one JVM.
 * <pre>{@code
 * SparkPredictor predictor = SparkPredictor.load(spark, Path.of("model.jdnn"));
 * Dataset<Row> scored = predictor.predict(spark.read().format("binaryFile").load("photos/"), "content");
 * }</pre>
 * <p>The input column holds encoded PNG, JPEG or BMP images ({@code binary}, as the {@code binaryFile} source gives
 * them), Spark's image structs (the {@code image} source), both prepared as the model's stored
 * {@link dev.jdnn.data.Preprocessing} says, or prepared inputs of C x H x W values ({@code array<float>} or
 * {@code array<double>}). Three columns are appended: {@value #PREDICTION} (int, the class index: the largest logit),
 * {@value #PROBABILITY} (float, its softmax probability) and, {@linkplain #withLogits if asked}, {@value #LOGITS}
 * ({@code array<float>}); a null input gives null predictions.
 * <p>The model file is broadcast to the executors once; each executor JVM compiles it once, at the first task that
 * needs it, and shares it among its tasks; each task predicts its partition in batches of {@link #batchSize()} images
 * through a {@link dev.jdnn.inference.Predictor} of its own (on {@code spark.task.cpus} threads), which it borrows
 * from the executor's idle ones and gives back when it ends. The executors need jdnn's jars on their class path and
 * native access (see the README).
 * <p>Immutable: the {@code with} methods return a new predictor sharing the broadcast model.
 */
public final class SparkPredictor {
    /** The appended column of predicted class indices. */
    public static final String PREDICTION = "prediction";
    /** The appended column of the predicted class's softmax probability. */
    public static final String PROBABILITY = "probability";
    /** The appended column of all logits, with {@link #withLogits}. */
    public static final String LOGITS = "logits";
    /** Images per predictor call unless {@link #withBatchSize} says otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 256;
    /** The largest batch: a batch's inputs are one Java array per task. */
    public static final int MAX_BATCH_SIZE = 65_536;

    private final ModelFile model;
    private final List<String> classNames;
    private final long[] imageShape;
    private final int batchSize;
    private final boolean logits;

    private SparkPredictor(ModelFile model, List<String> classNames, long[] imageShape, int batchSize, boolean logits) {
        this.model = model;
        this.classNames = classNames;
        this.imageShape = imageShape;
        this.batchSize = batchSize;
        this.logits = logits;
    }

    /**
     * A predictor of the model file {@code file}, read on the driver and broadcast from there.
     *
     * @throws IOException if the file cannot be read or is not a jdnn model file
     *     ({@link dev.jdnn.io.ModelFormatException})
     */
    public static SparkPredictor load(SparkSession spark, Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return of(spark, Files.readAllBytes(file));
    }

    /**
     * A predictor of a model file's bytes, checked on the driver (loaded once there, so that a damaged file fails
     * here and not in every task) and broadcast.
     *
     * @throws IOException if the bytes are not a jdnn model file ({@link dev.jdnn.io.ModelFormatException})
     */
    public static SparkPredictor of(SparkSession spark, byte[] modelFile) throws IOException {
        Objects.requireNonNull(spark, "spark");
        Objects.requireNonNull(modelFile, "modelFile");
        List<String> classes;
        long[] shape;
        try (SimpleCNN loaded = SimpleCNN.load(new ByteArrayInputStream(modelFile))) {
            classes = List.copyOf(loaded.classNames());
            shape = loaded.network().inputShape();
        }
        byte[] copy = modelFile.clone();
        var broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(copy);
        return new SparkPredictor(new ModelFile(broadcast, ModelFile.sha256(copy)), classes, shape,
                DEFAULT_BATCH_SIZE, false);
    }

    /**
     * This predictor with {@code batchSize} images per predictor call (and compiled model).
     *
     * @throws IllegalArgumentException unless 1 &lt;= batchSize &lt;= {@value #MAX_BATCH_SIZE}
     */
    public SparkPredictor withBatchSize(int batchSize) {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batchSize = " + batchSize + " is out of range; allowed: 1 to "
                    + MAX_BATCH_SIZE);
        }
        return new SparkPredictor(model, classNames, imageShape, batchSize, logits);
    }

    /** This predictor, also appending the {@value #LOGITS} column when {@code logits} is true. */
    public SparkPredictor withLogits(boolean logits) {
        return new SparkPredictor(model, classNames, imageShape, batchSize, logits);
    }

    public int batchSize() {
        return batchSize;
    }

    /** The model's class names, in class-index order: the names of the {@value #PREDICTION} values. */
    public List<String> classNames() {
        return classNames;
    }

    /** The model's input: [channels, height, width]. */
    public long[] imageShape() {
        return imageShape.clone();
    }

    /** The SHA-256 of the model file, in hexadecimal: what executors know the model by. */
    public String modelSha256() {
        return model.sha256();
    }

    /**
     * {@code data} with the prediction columns appended, computed lazily as Spark computes the result (one pass over
     * the input per action: cache the result to use it more than once).
     *
     * @throws IllegalArgumentException if {@code data} has no column {@code inputColumn}, the column's type is none of
     *     those read (the message lists them), or {@code data} already has a column of an appended name
     */
    public Dataset<Row> predict(Dataset<Row> data, String inputColumn) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(inputColumn, "inputColumn");
        StructType schema = data.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        int column = names.indexOf(inputColumn);
        if (column < 0) {
            throw new IllegalArgumentException("no column '" + inputColumn + "' in the data; its columns: " + names);
        }
        ImageInput input = ImageInput.of(schema.fields()[column]);
        for (String appended : logits ? List.of(PREDICTION, PROBABILITY, LOGITS) : List.of(PREDICTION, PROBABILITY)) {
            if (names.contains(appended)) {
                throw new IllegalArgumentException("the data has a column '" + appended + "' already, which the"
                        + " predictions would append: rename or drop it first");
            }
        }
        StructType output = schema.add(PREDICTION, DataTypes.IntegerType, true)
                .add(PROBABILITY, DataTypes.FloatType, true);
        if (logits) output = output.add(LOGITS, DataTypes.createArrayType(DataTypes.FloatType, false), true);
        return data.as(RowEncoders.withFloatArrays(schema))
                .mapPartitions(new PredictPartition(model, batchSize, input, column, logits),
                        RowEncoders.withFloatArrays(output));
    }
}
