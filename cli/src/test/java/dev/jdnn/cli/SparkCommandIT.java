package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/jdnn spark train} and {@code bin/jdnn spark predict} on {@code local[2]}, run through the launcher on
 * the built jars (Spark's jars from spark/target/spark-jars): a model trained by 2 workers on the embedded data,
 * scored by {@code bin/jdnn evaluate} in one JVM and by {@code spark predict} on Spark, which must report the same
 * accuracy on the same 1,000 test images.
 */
class SparkCommandIT {
    @TempDir
    Path folder;

    @Test
    void sparkTrainThenSparkPredictScoresAsEvaluate() throws Exception {
        Path model = folder.resolve("spark.jdnn");
        JsonNode trained = json(run("spark", "train", "--master", "local[2]", "--workers", "2", "--epochs", "1",
                "--save", model.toString(), "--json"));
        for (String key : List.of("test_acc", "epochs_run", "train_ips", "seconds", "sync_bytes", "sync_seconds")) {
            assertTrue(trained.has(key), "no " + key + " in " + trained);
        }
        assertEquals(1, trained.get("epochs_run").asInt());
        assertEquals(2, trained.get("workers").asInt());
        assertTrue(trained.get("test_acc").asDouble() > 0.6, trained.toString());

        JsonNode evaluated = json(run("evaluate", "--model", model.toString(), "--json"));
        assertEquals(trained.get("test_acc").asDouble(), evaluated.get("test_acc").asDouble());

        Path output = folder.resolve("predictions");
        JsonNode predicted = json(run("spark", "predict", "--model", model.toString(), "--master", "local[2]",
                "--output", output.toString(), "--json"));
        assertEquals(1000, predicted.get("count").asInt());
        assertEquals(evaluated.get("test_acc").asDouble(), predicted.get("test_acc").asDouble());
        assertTrue(predicted.get("images_per_second").asDouble() > 0, predicted.toString());
        try (Stream<Path> files = Files.list(output)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".parquet")), "no Parquet in " + output);
        }
    }

    @Test
    void badInputIsExitStatusTwoWithOneLine() throws Exception {
        Path root = Path.of(System.getProperty("jdnn.test.root"));
        Process process = new ProcessBuilder(root.resolve("bin/jdnn").toString(), "spark", "predict", "--model",
                folder.resolve("missing.jdnn").toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        assertEquals(2, process.exitValue(), stderr);
        assertTrue(stderr.contains("jdnn: --model " + folder.resolve("missing.jdnn") + ": no such file"), stderr);
    }

    /** The standard output of {@code bin/jdnn args}, which must exit 0; standard error goes to a file shown on failure. */
    private String run(String... args) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("jdnn.test.root"));
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/jdnn").toString()));
        command.addAll(List.of(args));
        // Spark's warnings go to a file: a pipe nobody reads could fill and stop the command.
        Path log = Files.createTempFile(folder, "bin-jdnn", ".log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String what = String.join(" ", command);
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), what + " did not finish");
        assertEquals(0, process.exitValue(), () -> what + ":\n" + stdout + readString(log));
        return stdout;
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static JsonNode json(String stdout) throws IOException {
        List<String> lines = stdout.lines().toList();
        return new ObjectMapper().readTree(lines.getLast());
    }
}
