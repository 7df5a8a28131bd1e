package dev.jdnn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: the loader logs through System.Logger "dev.jdnn", here java.util.logging in child JVMs (each loads
 * once) configured to print "LEVEL logger message" lines.
 */
class LoaderLogTest {
    private static final Path STAGING = Path.of(System.getProperty("jdnn.test.nativeStaging"), "jdnn/native/linux-x86_64");

    @TempDir
    Path root;

    @Test
    void oneDebugLineNamesTheVersionTheIsaAndTheFilesOnceAmongRacingThreads() throws Exception {
        Path cache = root.resolve("cache");
        List<String> lines = logLines(cache, "FINE", Map.of(LoaderProbe.THREADS_PROPERTY, "16"));
        String folder = onlyFolderIn(cache).toString();
        // The reference for version and ISA: this JVM's oneDNN, the same library on the same machine.
        String loaded = "FINE dev.jdnn " + OneDnn.summary() + " loaded from " + folder + "/libgomp.so.1, "
                + folder + "/libdnnl.so.3";
        assertEquals(1, lines.stream().filter(line -> line.contains(" loaded from ")).count(), lines.toString());
        assertTrue(lines.contains(loaded), lines.toString());
    }

    @Test
    void debugAndTraceNameWhatWasExtractedAndReused() throws Exception {
        Path cache = root.resolve("cache");
        List<String> first = logLines(cache, "FINE", Map.of());
        Path folder = onlyFolderIn(cache);
        assertTrue(first.contains("FINE dev.jdnn native libraries [libgomp.so.1, libdnnl.so.3] from jdnn's native jar"
                + " (on the class path), cached in " + folder), first.toString());
        for (String library : List.of("libgomp.so.1", "libdnnl.so.3")) {
            String hash = LibraryCache.sha256(STAGING.resolve(library)); // the file in the jar, hashed here
            assertTrue(first.contains("FINE dev.jdnn extracted " + folder.resolve(library) + " (SHA-256 " + hash
                    + ", verified)"), first.toString());
        }
        List<String> second = logLines(cache, "FINER", Map.of()); // System.Logger's TRACE is FINER in java.util.logging
        for (String library : List.of("libgomp.so.1", "libdnnl.so.3")) {
            assertTrue(second.contains("FINER dev.jdnn reusing " + folder.resolve(library) + ": unchanged since verified"),
                    second.toString());
        }
        assertFalse(second.stream().anyMatch(line -> line.contains(" extracted ")), second.toString());
    }

    @Test
    void nothingAtTheDefaultLevel() throws Exception {
        assertEquals(List.of(), logLines(root.resolve("cache"), "INFO", Map.of()));
    }

    /** Runs LoaderProbe with dev.jdnn at {@code level} and returns the lines logged, after checking it loaded. */
    private List<String> logLines(Path cache, String level, Map<String, String> properties) throws Exception {
        Path config = root.resolve("logging-" + level + ".properties");
        Files.writeString(config, String.join("\n",
                "handlers = java.util.logging.ConsoleHandler",
                "java.util.logging.ConsoleHandler.level = ALL",
                "java.util.logging.ConsoleHandler.formatter = java.util.logging.SimpleFormatter",
                "java.util.logging.SimpleFormatter.format = LOG %4$s %3$s %5$s%n",
                "dev.jdnn.level = " + level, ""));
        Map<String, String> options = new java.util.HashMap<>(properties);
        options.put("java.util.logging.config.file", config.toString());
        ChildJvm.Result result = ChildJvm.run(cache, options, Map.of());
        assertEquals(0, result.exitCode(), result.output());
        return result.output().lines().filter(line -> line.startsWith("LOG ")).map(line -> line.substring(4)).toList();
    }

    private static Path onlyFolderIn(Path cache) throws IOException {
        try (var folders = Files.list(cache)) {
            List<Path> all = folders.toList();
            assertEquals(1, all.size(), all.toString());
            return all.getFirst();
        }
    }
}
