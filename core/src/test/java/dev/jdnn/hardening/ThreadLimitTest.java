package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jdnn.runtime.Threads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, class 2: where the process cannot start threads, libgomp ends it ("Thread creation failed") instead of
 * reporting an error. {@link ThreadLimitRun} runs in a JVM under {@code prlimit --nproc} (as user nobody when this
 * test runs as root, for whom the kernel does not enforce the limit), with a copy of the class path and a native
 * cache that nobody can read and write. Each step must end in a result or a {@code ThreadStartException}, and the
 * JVM with status 0, never killed.
 */
class ThreadLimitTest {
    /** Threads the child's user may have: a JVM starts about 20; 1,024 OpenMP threads cannot fit. */
    private static final int NPROC = 120;

    private static Path root;
    private static String classPath;

    @BeforeAll
    static void copyClassPath() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "prlimit is needed to limit the child's threads");
        root = Files.createTempDirectory("jdnn-thread-limit");
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) continue;
            Path to = root.resolve("cp" + i++ + (Files.isDirectory(from) ? "" : ".jar"));
            try (Stream<Path> files = Files.walk(from)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()));
                }
            }
            entries.add(to.toString());
        }
        classPath = String.join(java.io.File.pathSeparator, entries);
        Files.createDirectory(root.resolve("cache"));
        // Readable by the child's user, the cache writable; the folder is removed after the tests.
        new ProcessBuilder("chmod", "-R", "a+rX", root.toString()).inheritIO().start().waitFor();
        Files.setPosixFilePermissions(root.resolve("cache"), PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterAll
    static void remove() throws IOException, InterruptedException {
        if (root != null) new ProcessBuilder("rm", "-rf", root.toString()).inheritIO().start().waitFor();
    }

    @Test
    void aThousandThreadsAskedForRunOnTheProcessorsAvailable() throws IOException, InterruptedException {
        String output = run("bounded");
        assertTrue(output.contains("ok fit with 1024 threads asked for"), output);
        assertTrue(output.contains("ok predict with 1024 threads asked for, " + Threads.available() + " run"), output);
        assertTrue(output.contains("ok closed"), output);
    }

    @Test
    void threadsThatCannotStartAreRefusedInJavaAndTheNextCallWorks() throws IOException, InterruptedException {
        assumeTrue(Threads.available() > 1, "a 1-processor machine runs every predictor on 1 thread");
        String output = run("exhausted");
        assertTrue(output.contains("refused split dev.jdnn.runtime.ThreadStartException: cannot start thread"
                + " jdnn-predictor-worker-1"), output);
        assertTrue(output.contains("refused team dev.jdnn.runtime.ThreadStartException: cannot start the 2-thread"
                + " OpenMP team"), output);
        assertTrue(output.contains("ok split after"), output);
        assertTrue(output.contains("ok team after"), output);
        assertTrue(output.contains("ok closed"), output);
    }

    private static String run(String mode) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/prlimit", "--nproc=" + NPROC));
        if ("root".equals(System.getProperty("user.name"))) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv is needed to run the child as nobody");
            command.addAll(List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UseDynamicNumberOfCompilerThreads",
                "--enable-native-access=ALL-UNNAMED", "-Djdnn.cacheDir=" + root.resolve("cache"),
                "-cp", classPath, ThreadLimitRun.class.getName(), mode));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(root.toFile());
        builder.environment().remove("JDNN_LIBRARY_PATH");
        builder.environment().remove("JDNN_CACHE_DIR");
        Process child = builder.start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!child.waitFor(120, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new AssertionError("the child did not finish: " + output);
        }
        assertEquals(0, child.exitValue(), "the child JVM must end normally, not be killed: " + output);
        return output;
    }
}
