package dev.jdnn.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.ReadmeSnippet;
import dev.jdnn.W1;
import dev.jdnn.data.Datasets;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's Spark snippet, compiled and run here on local[2,2] so that it cannot rot; the README holds it verbatim. */
class ReadmeSparkTest {
    private static final Path SOURCE = Path.of("src/test/java/dev/jdnn/spark/ReadmeSparkTest.java");
    private static SparkSession spark;
    private static Dataset<Row> train;
    private static Dataset<Row> valid;

    @BeforeAll
    static void start() {
        spark = TestModel.spark();
        var split = TestModel.data().train().head(400).split(0.25, 0);
        train = TestModel.floatRows(spark, split.train(), 2);
        valid = TestModel.floatRows(spark, split.valid(), 1);
    }


    @AfterEach
    void removeWhatItWrote() throws IOException {
        for (String name : new String[] {"model.jdnn", "photos", "scores"}) delete(Path.of(name));
    }

    @Test
    void theSnippetRuns() throws IOException {
        Files.copy(TestModel.file(), Path.of("model.jdnn"));
        Files.createDirectories(Path.of("photos"));
        var test = TestModel.data().test();
        for (int i = 0; i < 20; i++) {
            BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            float[] pixels = test.image(i);
            for (int p = 0; p < pixels.length; p++) image.getRaster().setSample(p % 28, p / 28, 0, Math.round(pixels[p] * 255));
            ImageIO.write(image, "png", Path.of("photos", i + ".png").toFile());
        }
        // README spark: begin
        SparkPredictor predictor = SparkPredictor.load(spark, Path.of("model.jdnn"));  // read and checked here
        Dataset<Row> photos = spark.read().format("binaryFile").load("photos");        // path, ..., content
        Dataset<Row> scored = predictor.predict(photos, "content");                    // + prediction, probability
        scored.select("path", "prediction", "probability").write().parquet("scores");

        TrainingRun run = SparkTrainer.of(spark, () -> W1.model(3).threads(1).progress(false).build())
                .withImageShape(1, 28, 28).withClassNames(Datasets.FASHION_MNIST_CLASSES).withWorkers(2)
                .fit(train, valid, "image", "label");                  // image: array<float>, label: int
        Files.write(Path.of("model.jdnn"), run.modelFile());          // the same weights on every worker
        // README spark: end
        assertEquals(20, spark.read().parquet("scores").count());
        assertEquals(3, run.epochsRun());
    }

    @Test
    void theReadmeHoldsTheSnippetVerbatim() throws IOException {
        ReadmeSnippet.assertReadmeHolds(SOURCE, "spark", "## Running on Spark");
    }

    private static void delete(Path path) throws IOException {
        if (!Files.exists(path)) return;
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
