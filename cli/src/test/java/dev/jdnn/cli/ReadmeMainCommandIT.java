package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's main command, {@code bin/jdnn train}, run as a newcomer runs it: the launcher script on
 * the jars that {@code package} built, training on the embedded data set. Runs in {@code mvn -B verify}'s
 * integration-test phase, after the jars exist.
 */
class ReadmeMainCommandIT {
    @Test
    void binJdnnTrainLearnsTheEmbeddedDataSet() throws Exception {
        Path root = Path.of(System.getProperty("jdnn.test.root"));
        Process process = new ProcessBuilder(root.resolve("bin/jdnn").toString(), "train")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(15, TimeUnit.MINUTES), "bin/jdnn train did not finish");
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("ConvBlock2D") && output.contains("total:"), "no model summary:\n" + output);
        assertTrue(output.contains("true \\ pred"), "no confusion matrix:\n" + output);
        String accuracyLine = output.lines().filter(l -> l.startsWith("test accuracy")).findFirst().orElseThrow();
        double accuracy = Double.parseDouble(accuracyLine.split("\\s+")[2]);
        assertTrue(accuracy > 0.8, "the embedded data set should be learned well beyond chance: " + accuracyLine);
    }

    @Test
    void binJdnnVersionNamesOneDnnAndItsIsa() throws Exception {
        Path root = Path.of(System.getProperty("jdnn.test.root"));
        Process process = new ProcessBuilder(root.resolve("bin/jdnn").toString(), "--version")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("oneDNN 3.13.") && output.contains("jdnn "), output);
    }
}
