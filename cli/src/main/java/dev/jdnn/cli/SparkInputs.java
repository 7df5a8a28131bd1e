package dev.jdnn.cli;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;

import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.data.ImageFolderReader;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The images of {@code bin/jdnn spark}'s data options as rows: a named data set or IDX files, read on the driver
 * (id, label, image as {@code array<float>}), or image files read by Spark's binaryFile source where they are
 * (path, label when their folders name classes, content).
 */
final class SparkInputs {
    /** The image files Spark reads from a folder. */
    private static final String IMAGE_FILES = "*.{png,PNG,jpg,JPG,jpeg,JPEG,bmp,BMP}";

    /**
     * Rows of images: {@code key} names each row (its index or path), {@code image} is the column to predict from,
     * {@code label} the column of class indices or null when the images have none; {@code driverData} is the data set
     * the rows were made from on the driver, or null when the executors read the images.
     */
    record Images(org.apache.spark.sql.Dataset<Row> rows, String key, String image, String label, Dataset driverData) {}

    private SparkInputs() {}

    /**
     * The test images of --dataset NAME or --data DIR (neither: the embedded subset), labelled with the indices of
     * {@code classes}.
     */
    static Images testImages(SparkSession spark, String dataset, String data, List<String> classes) throws IOException {
        if (data == null) return driverRows(spark, named(dataset).test(), classes);
        if (isLocalIdxFolder(data)) {
            return driverRows(spark, Datasets.fromDirectory(java.nio.file.Path.of(data), new ImageFolderReader()).test(),
                    classes);
        }
        Path folder = new Path(data);
        FileSystem files = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!files.exists(folder)) throw new IllegalArgumentException("--data " + data + ": no such folder");
        Path test = new Path(folder, "test");
        if (files.exists(new Path(folder, "train")) && files.exists(test)) return labelledFiles(spark, test, classes);
        return new Images(readImages(spark, folder), "path", "content", null, null);
    }

    static Datasets.TrainTest named(String dataset) throws IOException {
        if (dataset == null) return Datasets.embeddedDefault();
        if (dataset.equals("fashion-mnist")) return Datasets.fashionMnist();
        throw new IllegalArgumentException("unknown data set '" + dataset + "'; known: fashion-mnist");
    }

    /** IDX files on this machine, as {@link Datasets#fromDirectory} reads them (an image-folder layout is not). */
    private static boolean isLocalIdxFolder(String data) {
        if (data.contains("://")) return false;
        java.nio.file.Path folder = java.nio.file.Path.of(data);
        return Files.exists(folder.resolve("train-images-idx3-ubyte"))
                || Files.exists(folder.resolve("train-images-idx3-ubyte.gz"));
    }

    /**
     * The images of {@code data} as rows (id, label, image) in as many partitions as the session's default
     * parallelism, stored in the executors' block managers here (a local checkpoint): the data's trip from the driver
     * to the executors is not part of the timed prediction, and the prediction's tasks do not carry it.
     */
    static Images driverRows(SparkSession spark, Dataset data, List<String> classes) {
        if (!data.classNames().equals(classes)) {
            throw new IllegalArgumentException("the model's classes " + classes + " differ from the data's "
                    + data.classNames());
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType, false)
                .add("label", DataTypes.IntegerType, false)
                .add("image", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        List<Row> rows = new ArrayList<>(data.count());
        for (int i = 0; i < data.count(); i++) rows.add(RowFactory.create(i, data.label(i), data.image(i)));
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        var frame = spark.createDataFrame(context.parallelize(rows, context.defaultParallelism()), schema)
                .localCheckpoint();
        return new Images(frame, "id", "image", "label", data);
    }

    /** The images under {@code test}, labelled by the folder each is in, which must be a class of the model. */
    private static Images labelledFiles(SparkSession spark, Path test, List<String> classes) {
        Column names = array(classes.stream().map(name -> lit(name)).toArray(Column[]::new));
        Column folder = element_at(split(col("path"), "/"), -2);
        var files = readImages(spark, test).withColumn("folder", folder);
        List<String> unknown = new ArrayList<>();
        for (Row row : files.select("folder").distinct().collectAsList()) {
            if (!classes.contains(row.getString(0))) unknown.add(row.getString(0));
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the folders " + unknown + " of " + test + " are not classes of the"
                    + " model, which has " + classes);
        }
        var labelled = files.withColumn("label", array_position(names, col("folder")).cast("int").minus(1))
                .drop("folder");
        return new Images(labelled, "path", "content", "label", null);
    }

    private static org.apache.spark.sql.Dataset<Row> readImages(SparkSession spark, Path folder) {
        return spark.read().format("binaryFile").option("recursiveFileLookup", "true")
                .option("pathGlobFilter", IMAGE_FILES).load(folder.toString())
                .select("path", "content");
    }
}
