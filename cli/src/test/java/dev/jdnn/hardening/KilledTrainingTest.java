package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jdnn.SimpleCNN;
import dev.jdnn.cli.Main;
import dev.jdnn.data.Datasets;
import dev.jdnn.data.IdxFiles;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, faults (a): {@code jdnn train} in a child JVM is killed with SIGKILL during epoch 3 of 4, right after
 * epoch 2's checkpoint appears; {@code jdnn train --resume} in another child JVM finishes the run. Its model must hold
 * the same parameter bytes (weights and running statistics) as a run that was never interrupted.
 */
class KilledTrainingTest {
    /** Enough images that an epoch (0.65 s on 2 idle cores) lasts far longer than the 5 ms between looks. */
    private static final int TRAIN_IMAGES = 1000;
    private static final List<String> RUN = List.of("--epochs", "4", "--seed", "0", "--threads", "2",
            "--batch-size", "50", "--json");

    @TempDir
    static Path folder;
    private static Path data;

    @BeforeAll
    static void writeSmallDataSet() throws IOException {
        Datasets.TrainTest embedded = Datasets.embeddedDefault();
        data = Files.createDirectory(folder.resolve("data"));
        IdxFiles.writeUbyte(embedded.train().head(TRAIN_IMAGES), data, "train");
        IdxFiles.writeUbyte(embedded.test().head(50), data, "t10k");
    }

    /** {@code jdnn args...} in a child JVM on this test's class path, its output in files under the temp folder. */
    private static Process jdnn(String name, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        String cache = System.getProperty("jdnn.cacheDir");
        if (cache != null) command.add("-Djdnn.cacheDir=" + cache);
        command.add(Main.class.getName());
        command.addAll(args);
        return new ProcessBuilder(command).redirectOutput(folder.resolve(name + ".out").toFile())
                .redirectError(folder.resolve(name + ".err").toFile()).start();
    }

    private static void finish(String name, Process process) throws IOException, InterruptedException {
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(name + " did not finish in 300 s");
        }
        assertEquals(0, process.exitValue(), name + ": " + Files.readString(folder.resolve(name + ".err")));
    }

    private static List<String> args(String... first) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of("--data", data.toString()));
        return all;
    }

    @Test
    void aRunKilledInEpochThreeAndResumedEndsWithTheParametersOfAnUninterruptedRun() throws Exception {
        Path uninterrupted = folder.resolve("uninterrupted.jdnn");
        List<String> plain = args("train", "--checkpoint-dir", folder.resolve("uninterrupted-checkpoints").toString(),
                "--save", uninterrupted.toString());
        plain.addAll(RUN);
        finish("uninterrupted", jdnn("uninterrupted", plain));

        Path checkpoints = folder.resolve("checkpoints");
        Path last = checkpoints.resolve(SimpleCNN.LAST_CHECKPOINT);
        List<String> killedArgs = args("train", "--checkpoint-dir", checkpoints.toString());
        killedArgs.addAll(RUN);
        Process killed = jdnn("killed", killedArgs);
        waitForVersion(last, 2, killed);
        killed.destroyForcibly();
        assertTrue(killed.waitFor(60, TimeUnit.SECONDS), "the killed JVM is gone");
        assertEquals(128 + 9, killed.exitValue(), "exit status of a JVM killed by SIGKILL");
        try (SimpleCNN checkpoint = SimpleCNN.load(last)) {
            assertEquals(2, checkpoint.history().epochsRun(), "the kill came during epoch 3, after epoch 2's checkpoint;"
                    + " if epoch 3 was already written, epochs (" + checkpoint.history().last().seconds()
                    + " s) are too short for this test: raise TRAIN_IMAGES");
        }

        Path resumed = folder.resolve("resumed.jdnn");
        finish("resumed", jdnn("resumed", args("train", "--resume", checkpoints.toString(), "--json",
                "--save", resumed.toString())));

        try (SimpleCNN expected = SimpleCNN.load(uninterrupted); SimpleCNN actual = SimpleCNN.load(resumed)) {
            assertEquals(4, actual.history().epochsRun());
            assertSameBytes("weights", expected.network().parameters().values(), actual.network().parameters().values());
            assertSameBytes("running statistics", expected.network().parameters().state(),
                    actual.network().parameters().state());
        }
    }

    /**
     * Waits until {@code file} has been replaced {@code version} times (each checkpoint is a rename of a new file over
     * it, so each version has its own file key) and returns at once, to kill during the next epoch.
     */
    private static void waitForVersion(Path file, int version, Process writer) throws Exception {
        Set<Object> versions = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (versions.size() < version) {
            if (!writer.isAlive()) {
                fail("training ended before checkpoint " + version + ": exit " + writer.exitValue() + ", "
                        + Files.readString(folder.resolve("killed.err")));
            }
            if (System.nanoTime() > deadline) fail("no checkpoint " + version + " within 300 s");
            try {
                versions.add(Files.readAttributes(file, BasicFileAttributes.class).fileKey());
            } catch (NoSuchFileException notYet) {
                // the first epoch is not over
            }
            Thread.sleep(5);
        }
    }

    private static void assertSameBytes(String what, MemorySegment expected, MemorySegment actual) {
        assertEquals(expected.byteSize(), actual.byteSize(), what + ": size");
        long mismatch = expected.mismatch(actual);
        assertEquals(-1L, mismatch, what + " differ first at byte " + mismatch + " of " + expected.byteSize());
    }
}
