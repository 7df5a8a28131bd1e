package dev.jdnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's predictions are those of one JVM: for each of the 1,000 labelled test images of the embedded set, given as
 * float arrays, as PNG files read by the binaryFile source and as Spark image structs read by the image source, the
 * class equals {@link SimpleCNN#predict} (what {@code bin/jdnn evaluate} scores) and the logits equal a
 * {@link CompiledModel}'s {@link Predictor} in this JVM.
 */
class SparkPredictorTest {
    private static SparkSession spark;
    private static Dataset test;
    /** SimpleCNN's classes, probabilities and a one-JVM compiled model's logits of each test image. */
    private static int[] expectedClasses;
    private static float[][] expectedProbabilities;
    private static float[][] expectedLogits;
    /** The test images as PNG files. */
    private static Path images;
    @TempDir
    static Path folder;

    @BeforeAll
    static void start() throws IOException {
        test = TestModel.data().test();
        try (SimpleCNN model = SimpleCNN.load(TestModel.file());
             CompiledModel compiled = CompiledModel.of(model, 1);
             Predictor predictor = compiled.newPredictor()) {
            expectedClasses = model.predict(test);
            expectedProbabilities = model.predictProba(test);
            expectedLogits = new float[test.count()][compiled.outputSize()];
            for (int i = 0; i < test.count(); i++) predictor.predict(test.image(i), expectedLogits[i]);
        }
        images = writePngs(folder.resolve("png"));
        spark = TestModel.spark();
    }


    @Test
    void floatArraysPredictAsOneJvmForEveryImage() throws IOException {
        int before = ExecutorModels.compilations();
        // Batches of 64 over 3 partitions: full batches, a partial last batch in each, as a task sees them.
        SparkPredictor predictor = SparkPredictor.load(spark, TestModel.file()).withBatchSize(64).withLogits(true);
        List<Row> rows = predictor.predict(TestModel.floatRows(spark, test, 3), "image")
                .select("id", SparkPredictor.PREDICTION, SparkPredictor.PROBABILITY, SparkPredictor.LOGITS)
                .collectAsList();
        assertEquals(test.count(), rows.size());
        boolean[] seen = new boolean[test.count()];
        double largest = 0;
        for (Row row : rows) {
            int id = row.getInt(0);
            assertTrue(!seen[id], "image " + id + " came twice");
            seen[id] = true;
            assertEquals(expectedClasses[id], row.getInt(1), "the class of image " + id);
            assertEquals(expectedProbabilities[id][expectedClasses[id]], row.getFloat(2), 1e-5, "probability of " + id);
            List<Float> logits = row.getList(3);
            for (int k = 0; k < logits.size(); k++) {
                largest = Math.max(largest, Math.abs(logits.get(k) - expectedLogits[id][k]));
            }
        }
        assertTrue(largest <= 1e-5, "largest logit difference from a one-JVM predictor: " + largest);
        // Three tasks, one executor JVM (local mode): the model was compiled once, for batch 64.
        assertEquals(1, ExecutorModels.compilations() - before);

        // A second job's tasks borrow the predictors the first job's gave back, and predict the same.
        int predictors = ExecutorModels.predictors();
        List<Row> again = predictor.predict(TestModel.floatRows(spark, test, 3), "image")
                .select("id", SparkPredictor.PREDICTION, SparkPredictor.PROBABILITY, SparkPredictor.LOGITS)
                .collectAsList();
        assertEquals(predictors, ExecutorModels.predictors());
        assertEquals(1, ExecutorModels.compilations() - before);
        assertEquals(new java.util.HashSet<>(rows), new java.util.HashSet<>(again));
    }

    @Test
    void arraysThatMayHoldNullsPredictAsThoseThatCannot() throws IOException {
        // Spark hands array<float> with containsNull over as boxed values, without it as float[]: both read alike.
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("image", DataTypes.createArrayType(DataTypes.FloatType, true), false);
        List<Row> input = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            float[] image = test.image(i);
            Float[] boxed = new Float[image.length];
            for (int p = 0; p < image.length; p++) boxed[p] = image[p];
            input.add(RowFactory.create(i, boxed));
        }
        List<Row> rows = SparkPredictor.load(spark, TestModel.file())
                .predict(spark.createDataFrame(input, schema), "image").select("id", SparkPredictor.PREDICTION)
                .collectAsList();
        for (Row row : rows) assertEquals(expectedClasses[row.getInt(0)], row.getInt(1));
        assertEquals(50, rows.size());
    }

    @Test
    void pngFilesFromTheBinaryFileSourcePredictAsOneJvm() throws IOException {
        org.apache.spark.sql.Dataset<Row> files = spark.read().format("binaryFile")
                .option("recursiveFileLookup", "true").load(images.toString());
        List<Row> rows = SparkPredictor.load(spark, TestModel.file()).predict(files, "content")
                .select("path", SparkPredictor.PREDICTION).collectAsList();
        assertEquals(test.count(), rows.size());
        for (Row row : rows) assertEquals(expectedClasses[idOf(row.getString(0))], row.getInt(1), row.getString(0));
    }

    @Test
    void sparkImageStructsPredictAsOneJvm() throws IOException {
        // Classes 0 and 1 only (200 images): the image source decodes each file with ImageIO, at about 10 ms a file.
        org.apache.spark.sql.Dataset<Row> structs = spark.read().format("image")
                .option("recursiveFileLookup", "true").load(images.resolve("0").toString(), images.resolve("1").toString());
        List<Row> rows = SparkPredictor.load(spark, TestModel.file()).predict(structs, "image")
                .select("image.origin", SparkPredictor.PREDICTION).collectAsList();
        assertEquals(200, rows.size());
        for (Row row : rows) assertEquals(expectedClasses[idOf(row.getString(0))], row.getInt(1), row.getString(0));
    }

    @Test
    void aNullImageHasNullPredictionsAndTheOthersTheirOwn() throws IOException {
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("image", DataTypes.createArrayType(DataTypes.DoubleType, false), true);
        double[] first = new double[test.imageSize()];
        for (int i = 0; i < first.length; i++) first[i] = test.image(0)[i];
        List<Row> input = List.of(RowFactory.create(0, first), RowFactory.create(1, null));
        List<Row> rows = SparkPredictor.load(spark, TestModel.file())
                .predict(spark.createDataFrame(input, schema).coalesce(1), "image").orderBy("id").collectAsList();
        assertEquals(expectedClasses[0], rows.get(0).getInt(2));
        assertNull(rows.get(1).get(2));
        assertNull(rows.get(1).get(3));
    }

    @Test
    void inputsThatDoNotFitAreRefusedWithWhatIsAllowed() throws IOException {
        SparkPredictor predictor = SparkPredictor.load(spark, TestModel.file());
        var ids = spark.range(3).toDF("id");
        var missing = assertThrows(IllegalArgumentException.class, () -> predictor.predict(ids, "image"));
        assertEquals("no column 'image' in the data; its columns: [id]", missing.getMessage());
        var type = assertThrows(IllegalArgumentException.class, () -> predictor.predict(ids, "id"));
        assertTrue(type.getMessage().startsWith("the column 'id' is of type bigint; allowed: binary"), type.getMessage());
        var taken = assertThrows(IllegalArgumentException.class,
                () -> predictor.predict(TestModel.floatRows(spark, test.head(2), 1).withColumnRenamed("id", "prediction"), "image"));
        assertTrue(taken.getMessage().startsWith("the data has a column 'prediction' already"), taken.getMessage());
        var batch = assertThrows(IllegalArgumentException.class, () -> predictor.withBatchSize(0));
        assertEquals("batchSize = 0 is out of range; allowed: 1 to 65536", batch.getMessage());
        // A wrong size is found by the task that reads it, and named.
        var shortArrays = TestModel.floatRows(spark, test.head(2), 1)
                .selectExpr("id", "slice(image, 1, 10) as image");
        var failure = assertThrows(Exception.class, () -> predictor.predict(shortArrays, "image").collectAsList());
        assertTrue(String.valueOf(rootCause(failure).getMessage())
                .endsWith("an input array holds 10 values; the model takes 784 (1 x 28 x 28)"), rootCause(failure).toString());
    }

    @Test
    void theModelIsCheckedOnTheDriver() {
        var damaged = assertThrows(IOException.class, () -> SparkPredictor.of(spark, new byte[] {1, 2, 3}));
        assertTrue(damaged.getMessage().startsWith("input stream"), damaged.getMessage());
    }

    /** The test images as gray PNG files {@code folder/<label>/<index>.png}. */
    private static Path writePngs(Path folder) throws IOException {
        for (int i = 0; i < test.count(); i++) {
            BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            float[] pixels = test.image(i);
            for (int p = 0; p < pixels.length; p++) image.getRaster().setSample(p % 28, p / 28, 0, Math.round(pixels[p] * 255));
            Path file = folder.resolve(test.label(i) + "/" + i + ".png");
            Files.createDirectories(file.getParent());
            ImageIO.write(image, "png", file.toFile());
        }
        return folder;
    }

    private static int idOf(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return Integer.parseInt(name.substring(0, name.length() - ".png".length()));
    }

    private static Throwable rootCause(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) e = e.getCause();
        return e;
    }
}
