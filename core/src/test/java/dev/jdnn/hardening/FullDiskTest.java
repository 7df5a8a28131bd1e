package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.train.EpochStats;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, faults (b): saving onto a full disk or a read-only file system raises an IOException and leaves the
 * previous model file byte for byte as it was, and a checkpoint that cannot be written stops training without
 * touching the last good checkpoint. The disk is a 256 KiB tmpfs mounted for this test (a read-only folder does not
 * stop root, a read-only or full file system does); where {@code mount} is not allowed the tests are skipped.
 */
class FullDiskTest {
    private static Path disk;
    private static boolean mounted;
    private static float[][][][] images;
    private static int[] labels;

    @BeforeAll
    static void mountATinyDisk() throws Exception {
        disk = Files.createTempDirectory("jdnn-full-disk");
        String output = run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk.toString());
        mounted = output == null;
        assumeTrue(mounted, "mounting a 256 KiB tmpfs to fill failed (mounting needs root): " + output);
        images = new float[20][1][8][8];
        labels = new int[20];
        for (int i = 0; i < images.length; i++) {
            labels[i] = i % 2;
            for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) images[i][0][y][x] = (i + y * x) % 5 / 5f;
        }
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mounted) {
            String output = run("umount", disk.toString());
            assertEquals(null, output, "umount " + disk);
        }
        Files.deleteIfExists(disk);
    }

    /** Runs a command; null when it succeeds, else its exit status and output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
    }

    @BeforeEach
    void emptyAndWritable() throws Exception {
        assertEquals(null, run("mount", "-o", "remount,rw", disk.toString()), "remount rw");
        try (Stream<Path> files = Files.walk(disk)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) if (!p.equals(disk)) Files.delete(p);
        }
    }

    private static SimpleCNN fitted(long seed, PrintStream progress) {
        SimpleCNN model = SimpleCNN.builder().inChannels(1).inFeatures(List.of(64, 8)).outChannels(4).outFeatures(2)
                .epochs(3).batchSize(5).threads(1).seed(seed).progress(true).build();
        model.progressTo(progress);
        return model;
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    /** Writes a file until the disk refuses more: returns the IOException that said so. */
    private static IOException fill() throws IOException {
        ByteBuffer page = ByteBuffer.allocate(4096);
        try (FileChannel filler = FileChannel.open(disk.resolve("filler"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            for (int i = 0; i < 1 << 20; i++) {
                filler.write(page.clear());
            }
        } catch (IOException full) {
            return full;
        }
        throw new AssertionError("a 256 KiB disk took 4 GiB");
    }

    private static List<String> files() throws IOException {
        try (Stream<Path> list = Files.list(disk)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSaveOnAFullDiskRaisesIOExceptionAndKeepsThePreviousFile() throws IOException {
        Path file = disk.resolve("model.jdnn");
        try (SimpleCNN first = fitted(1, quiet()); SimpleCNN second = fitted(2, quiet())) {
            first.fit(images, labels);
            second.fit(images, labels);
            first.save(file);
            byte[] before = Files.readAllBytes(file);
            assertTrue(fill().getMessage().contains("No space left on device"), "the disk is full");

            IOException e = assertThrows(IOException.class, () -> second.save(file));
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(file), "the previous model file is unchanged");
            assertEquals(List.of("filler", "model.jdnn"), files(), "no temporary file is left behind");
            try (SimpleCNN reloaded = SimpleCNN.load(file)) {
                assertArrayEquals(first.predict(images), reloaded.predict(images), "the previous model still loads");
            }
        }
    }

    @Test
    void aSaveOnAReadOnlyFileSystemRaisesIOExceptionAndKeepsThePreviousFile() throws Exception {
        Path file = disk.resolve("model.jdnn");
        try (SimpleCNN first = fitted(1, quiet()); SimpleCNN second = fitted(2, quiet())) {
            first.fit(images, labels);
            second.fit(images, labels);
            first.save(file);
            byte[] before = Files.readAllBytes(file);
            assertEquals(null, run("mount", "-o", "remount,ro", disk.toString()), "remount ro");

            IOException e = assertThrows(IOException.class, () -> second.save(file));
            assertTrue(e.getMessage().contains("Read-only file system"), e.getMessage());
            assertArrayEquals(before, Files.readAllBytes(file), "the previous model file is unchanged");
            assertEquals(List.of("model.jdnn"), files(), "no temporary file");
        }
    }

    /**
     * The disk fills up when epoch 2 reports its figures, which is just before its checkpoint is written: that
     * checkpoint fails, training stops, and epoch 1's checkpoints stay as they were.
     */
    @Test
    void aCheckpointOnAFullDiskStopsTrainingAndKeepsTheLastGoodCheckpoint() throws IOException {
        Path checkpoints = disk.resolve("checkpoints");
        PrintStream fillInEpochTwo = new PrintStream(OutputStream.nullOutputStream()) {
            @Override
            public void println(Object line) {
                if (line instanceof EpochStats stats && stats.epoch() == 2) {
                    try {
                        fill();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
        try (SimpleCNN model = fitted(3, fillInEpochTwo).checkpointTo(checkpoints)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> model.fit(images, labels));
            assertInstanceOf(IOException.class, e.getCause());
            assertTrue(e.getMessage().contains("cannot write a checkpoint") && e.getMessage().contains("No space left"),
                    e.getMessage());
        }
        try (Stream<Path> left = Files.list(checkpoints)) {
            assertEquals(List.of("best.jdnn", "last.jdnn"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the checkpoints of epoch 1 and no temporary file");
        }
        try (SimpleCNN last = SimpleCNN.load(checkpoints.resolve(SimpleCNN.LAST_CHECKPOINT))) {
            assertEquals(1, last.history().epochsRun(), "the last good checkpoint is epoch 1's");
        }
    }
}
