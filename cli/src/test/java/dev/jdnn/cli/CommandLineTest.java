package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.data.IdxFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/jdnn end to end: each command runs {@link Main} in a child JVM on this test's class path (what the launcher
 * runs, without needing the package phase), on a small IDX data set cut from the embedded one.
 */
class CommandLineTest {
    private record Run(int exitCode, String stdout, String stderr) {
        List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        List<String> stderrLines() {
            return stderr.lines().toList();
        }
    }

    @TempDir
    static Path folder;
    private static Path data;
    private static Dataset test;

    @BeforeAll
    static void writeSmallDataSet() throws IOException {
        Datasets.TrainTest embedded = Datasets.embeddedDefault();
        data = Files.createDirectory(folder.resolve("data"));
        IdxFiles.writeUbyte(embedded.train().head(400), data, "train");
        test = embedded.test().head(100);
        IdxFiles.writeUbyte(test, data, "t10k");
    }


    private static Run jdnn(String... args) throws IOException, InterruptedException {
        return jdnn(Map.of(), args);
    }

    /** Runs jdnn with {@code environment} added to this JVM's; a JDNN_CACHE_DIR there replaces this build's cache. */
    private static Run jdnn(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        String cache = System.getProperty("jdnn.cacheDir");
        if (cache != null && !environment.containsKey("JDNN_CACHE_DIR")) command.add("-Djdnn.cacheDir=" + cache);
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(folder, "stdout", ".txt");
        Path err = Files.createTempFile(folder, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("jdnn " + String.join(" ", args) + " did not finish: " + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static JsonNode lastJsonLine(Run run) throws IOException {
        List<String> lines = run.stdoutLines();
        assertTrue(!lines.isEmpty(), "no output; stderr: " + run.stderr());
        return new ObjectMapper().readTree(lines.getLast());
    }

    @Test
    void trainSavesAModelThatEvaluatePredictAndSummaryRead() throws Exception {
        Path model = folder.resolve("model.jdnn");
        Path plot = folder.resolve("curves.png");
        Path checkpoints = folder.resolve("checkpoints");
        Run train = jdnn("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "50", "--threads", "2",
                "--json", "--save", model.toString(), "--plot", plot.toString(), "--checkpoint-dir", checkpoints.toString());
        assertEquals(0, train.exitCode(), train.stderr());
        JsonNode result = lastJsonLine(train);
        double accuracy = result.path("test_acc").asDouble(-1);
        assertTrue(accuracy > 0.3 && accuracy <= 1, "test_acc " + result);
        assertEquals(1, result.path("epochs_run").asInt(), result.toString());
        assertTrue(result.path("train_ips").asDouble() > 0 && result.path("seconds").asDouble() > 0, result.toString());
        byte[] png = Arrays.copyOf(Files.readAllBytes(plot), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, png, "the plot is a PNG");

        Run evaluate = jdnn("evaluate", "--model", model.toString(), "--data", data.toString(), "--json");
        assertEquals(0, evaluate.exitCode(), evaluate.stderr());
        JsonNode evaluation = lastJsonLine(evaluate);
        assertEquals(result.get("test_acc").asDouble(), evaluation.get("test_acc").asDouble(), evaluation.toString());
        assertEquals(1, evaluation.path("epochs_run").asInt(), evaluation.toString());

        // Resuming the finished run trains no more epochs and gives the same model.
        Run resume = jdnn("train", "--resume", checkpoints.toString(), "--data", data.toString(), "--json");
        assertEquals(0, resume.exitCode(), resume.stderr());
        assertEquals(result.get("test_acc").asDouble(), lastJsonLine(resume).get("test_acc").asDouble(), resume.stdout());
        assertEquals(1, lastJsonLine(resume).path("epochs_run").asInt(), resume.stdout());

        // A gray 8-bit PNG of a test image holds the IDX bytes: predict must agree with the model on the IDX image.
        Path image = folder.resolve("image.png");
        BufferedImage gray = new BufferedImage(test.width(), test.height(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < test.height(); y++)
            for (int x = 0; x < test.width(); x++) gray.getRaster().setSample(x, y, 0, Math.round(test.pixel(0, 0, y, x) * 255));
        ImageIO.write(gray, "png", image.toFile());
        Run predict = jdnn("predict", "--model", model.toString(), image.toString());
        assertEquals(0, predict.exitCode(), predict.stderr());
        String expectedClass;
        try (SimpleCNN loaded = SimpleCNN.load(model)) {
            expectedClass = loaded.classNames().get(loaded.predict(test.head(1))[0]);
        }
        String[] fields = predict.stdoutLines().getFirst().split("\t");
        assertEquals(image.toString(), fields[0], predict.stdout());
        assertEquals(expectedClass, fields[1], predict.stdout());
        double probability = Double.parseDouble(fields[2]);
        assertTrue(probability > 0 && probability <= 1, predict.stdout());

        Run summary = jdnn("summary", "--model", model.toString());
        assertEquals(0, summary.exitCode(), summary.stderr());
        assertTrue(summary.stdout().contains("SimpleCNN for 1 x 28 x 28 images") && summary.stdout().contains("total: "),
                summary.stdout());
    }

    @Test
    void badUsageAndBadInputExitWithStatus2AndOneLineOnStandardError() throws Exception {
        Path garbage = Files.writeString(folder.resolve("garbage.jdnn"), "this is not a model file, not at all");
        String[][] cases = {
            {"train", "--no-such-flag"},
            {"evaluate", "--model", folder.resolve("missing.jdnn").toString()},
            {"evaluate", "--model", garbage.toString()},
            {"train", "--resume", folder.toString(), "--epochs", "3"},
            {"train", "--plot", "curves.jpg"},
            {"predict", "--model", folder.resolve("missing.jdnn").toString(), "image.png"},
            {"train", "--data", data.toString(), "--epochs", "1", "--batch-size", "50", "--threads", "2", "--json",
                "--optimizer", "sgd", "--learning-rate", "1e38"},
        };
        String[] reasons = {"Unknown option: '--no-such-flag'", "missing.jdnn: no such model file",
                "not a jdnn model file", "leave out --epochs", "give a name ending in .png", "no such model file",
                "training diverged: "};
        for (int i = 0; i < cases.length; i++) {
            Run run = jdnn(cases[i]);
            String args = String.join(" ", cases[i]);
            assertEquals(2, run.exitCode(), args + ": " + run.stderr());
            assertEquals(1, run.stderrLines().size(), args + ": " + run.stderr());
            assertTrue(run.stderr().startsWith("jdnn: ") && run.stderr().contains(reasons[i]), args + ": " + run.stderr());
        }
    }

    /**
     * Issue 20: an unusable native library or cache folder named by the environment is bad input, exit 2 with one
     * line (it was exit 1, "internal failure", and a stack trace). In child JVMs: a JVM remembers a failed load.
     */
    @Test
    void anUnusableLibraryOrCacheFolderExitsWithStatus2AndOneLine() throws Exception {
        Path notALibrary = Files.writeString(folder.resolve("libdnnl.so.3"), "not a shared library");
        Path aFile = Files.writeString(folder.resolve("a-file"), "a file where a folder should be");
        List<Map<String, String>> environments = List.of(
                Map.of("JDNN_LIBRARY_PATH", folder.resolve("missing").resolve("libdnnl.so.3").toString()),
                Map.of("JDNN_LIBRARY_PATH", notALibrary.toString()),
                Map.of("JDNN_CACHE_DIR", aFile.resolve("cache").toString()));
        String[] reasons = {"JDNN_LIBRARY_PATH names", "cannot load oneDNN", "JDNN_CACHE_DIR names"};
        for (int i = 0; i < environments.size(); i++) {
            Run run = jdnn(environments.get(i), "train", "--data", data.toString(), "--epochs", "1");
            String name = environments.get(i).toString();
            assertEquals(2, run.exitCode(), name + ": " + run.stderr());
            // The JVM itself may warn about the stack guard of a file it failed to dlopen: that is not jdnn's line.
            List<String> lines = run.stderrLines().stream().filter(l -> !l.contains("stack guard") && !l.contains("execstack")).toList();
            assertEquals(1, lines.size(), name + ": " + run.stderr());
            assertTrue(lines.getFirst().startsWith("jdnn: ") && lines.getFirst().contains(reasons[i]), name + ": " + run.stderr());
        }
    }

    /** In this JVM: help needs no native code, and a child JVM per command would only cost time. */
    @Test
    void everyCommandHasHelp() {
        PrintStream standardOut = System.out;
        for (String command : List.of("train", "evaluate", "predict", "summary")) {
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            int exitCode;
            try {
                exitCode = Main.execute(command, "--help");
            } finally {
                System.setOut(standardOut);
            }
            String help = captured.toString(StandardCharsets.UTF_8);
            assertEquals(0, exitCode, command);
            assertTrue(help.startsWith("Usage: jdnn " + command), help);
            if (command.equals("train")) {
                for (String option : List.of("--save=FILE", "--plot=FILE.png", "--checkpoint-dir=DIR", "--resume=DIR")) {
                    assertTrue(help.contains(option), option + " in " + help);
                }
            }
        }
    }
}
