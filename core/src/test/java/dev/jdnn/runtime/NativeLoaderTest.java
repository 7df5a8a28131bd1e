package dev.jdnn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NativeLoaderTest {
    private static final Map<String, String> RACING = Map.of(LoaderProbe.THREADS_PROPERTY, "16");

    @Test
    void loadsOneDnn313FromJdnnsOwnNativeResources() {
        assertTrue(OneDnn.version().startsWith("3.13."), OneDnn.version());
        Path cache = Path.of(System.getProperty("jdnn.cacheDir"));
        List<Path> loaded = NativeLoader.loadedLibraries();
        assertEquals(List.of("libgomp.so.1", "libdnnl.so.3"), loaded.stream().map(p -> p.getFileName().toString()).toList());
        for (Path path : loaded) assertTrue(path.startsWith(cache), path + " is not in the jdnn cache " + cache);
        assertFalse(OneDnn.isa().isBlank());
    }

    @Test
    void threadControlReachesOpenMp() {
        int before = Threads.max();
        try {
            Threads.set(1);
            assertEquals(1, Threads.max());
        } finally {
            Threads.set(before);
        }
        assertThrows(IllegalArgumentException.class, () -> Threads.set(0));
    }

    /**
     * Issue 8: 16 threads of one fresh JVM make their first native call at once, on an empty cache; also with the
     * prelinker's two threads (which SimpleCNN.load starts) racing them.
     */
    @ParameterizedTest(name = "prelinker racing too: {0}")
    @ValueSource(booleans = {false, true})
    void threadsRacingTheFirstUseAllLoadTheSameLibrary(boolean prelink, @TempDir Path cache) throws Exception {
        ChildJvm.Result result = ChildJvm.run(cache, racing(prelink), Map.of());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("version=3.13.") && result.output().contains("16 threads agree"),
                result.output());
    }

    /** Issue 8: two JVMs of 16 racing threads each extract into one empty cache and load from it at once. */
    @Test
    void twoJvmsExtractingAtOnceBothLoad(@TempDir Path cache) throws Exception {
        Process first = ChildJvm.start(cache, RACING, Map.of());
        Process second = ChildJvm.start(cache, RACING, Map.of());
        for (ChildJvm.Result result : List.of(ChildJvm.await(first), ChildJvm.await(second))) {
            assertEquals(0, result.exitCode(), result.output());
            assertTrue(result.output().contains("version=3.13.") && result.output().contains("16 threads agree"),
                    result.output());
        }
        try (var files = Files.list(cache)) {
            Path folder = files.findFirst().orElseThrow();
            try (var inside = Files.list(folder)) {
                assertTrue(inside.noneMatch(p -> p.toString().endsWith(".tmp")), "temporary files left in " + folder);
            }
        }
    }

    @Test
    void corruptedCacheEntryIsReplaced(@TempDir Path cache) throws Exception {
        assertEquals(0, ChildJvm.run(cache, Map.of(), Map.of()).exitCode());
        Path library;
        try (var files = Files.walk(cache)) {
            library = files.filter(p -> p.getFileName().toString().equals("libdnnl.so.3")).findFirst().orElseThrow();
        }
        String good = LibraryCache.sha256(library);
        Files.write(library, new byte[] {1, 2, 3});
        ChildJvm.Result result = ChildJvm.run(cache, Map.of(), Map.of());
        assertEquals(0, result.exitCode(), result.output());
        assertEquals(good, LibraryCache.sha256(library), "the corrupt cache entry was not replaced");
    }

    /**
     * Issue 20: a cached library damaged with its size and time kept matches its stamp, so it was trusted for ever
     * and every start failed. Now a load that fails hashes the cached files, extracts the damaged one again and
     * loads once more.
     */
    @Test
    void aDamagedCacheEntryWithItsSizeAndTimeKeptIsReplacedWhenItFailsToLoad(@TempDir Path cache) throws Exception {
        assertEquals(0, ChildJvm.run(cache, Map.of(), Map.of()).exitCode());
        Path library;
        try (var files = Files.walk(cache)) {
            library = files.filter(p -> p.getFileName().toString().equals("libdnnl.so.3")).findFirst().orElseThrow();
        }
        String good = LibraryCache.sha256(library);
        FileTime time = Files.getLastModifiedTime(library);
        long size = Files.size(library);
        try (FileChannel channel = FileChannel.open(library, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[64]), 0); // the ELF header: dlopen refuses the file
        }
        Files.setLastModifiedTime(library, time);
        assertEquals(size, Files.size(library));
        assertNotEquals(good, LibraryCache.sha256(library), "the library was not damaged");

        ChildJvm.Result result = ChildJvm.run(cache, Map.of(), Map.of());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("verifying their SHA-256"), result.output());
        assertEquals(good, LibraryCache.sha256(library), "the damaged cache entry was not replaced");
    }

    @Test
    void overrideNamingNoFileIsAClearError(@TempDir Path cache) throws Exception {
        ChildJvm.Result result = ChildJvm.run(cache, Map.of(NativeLoader.LIBRARY_PROPERTY, "/nonexistent/libdnnl.so.3"), Map.of());
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("system property jdnn.library.path names /nonexistent/libdnnl.so.3"),
                result.output());
    }

    @Test
    void overrideNamingAnotherLibraryIsRefused(@TempDir Path cache) throws Exception {
        Path notOneDnn = Path.of(System.getProperty("jdnn.test.nativeStaging"), "jdnn/native/linux-x86_64/libgomp.so.1");
        ChildJvm.Result result = ChildJvm.run(cache, Map.of(), Map.of(NativeLoader.LIBRARY_ENV, notOneDnn.toString()));
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("is not a oneDNN library") && result.output().contains("oneDNN 3.x"),
                result.output());
    }

    /**
     * Issue 8: threads racing the first use of a library that is not oneDNN all get the loader's error. The loader
     * used to publish the library before checking its version, so a thread could bind symbols from it meanwhile.
     * The prelinker, racing them too, keeps the failure to itself: nothing is thrown on its threads.
     */
    @ParameterizedTest(name = "prelinker racing too: {0}")
    @ValueSource(booleans = {false, true})
    void threadsRacingAWrongLibraryAllGetTheSameError(boolean prelink, @TempDir Path cache) throws Exception {
        Path notOneDnn = Path.of(System.getProperty("jdnn.test.nativeStaging"), "jdnn/native/linux-x86_64/libgomp.so.1");
        ChildJvm.Result result = ChildJvm.run(cache, racing(prelink),
                Map.of(NativeLoader.LIBRARY_ENV, notOneDnn.toString()));
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("is not a oneDNN library") && result.output().contains("16 threads agree"),
                result.output());
        assertFalse(result.output().contains("Exception in thread"), result.output());
    }

    private static Map<String, String> racing(boolean prelink) {
        return prelink ? Map.of(LoaderProbe.THREADS_PROPERTY, "16", LoaderProbe.PRELINK_PROPERTY, "true") : RACING;
    }

    @Test
    void overrideNamingAOneDnnIsUsed(@TempDir Path cache) throws Exception {
        Path library = Path.of(System.getProperty("jdnn.test.nativeStaging"), "jdnn/native/linux-x86_64/libdnnl.so.3");
        ChildJvm.Result result = ChildJvm.run(cache, Map.of(NativeLoader.LIBRARY_PROPERTY, library.toString()), Map.of());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("from=" + library), result.output());
        try (var files = Files.list(cache)) {
            assertEquals(0, files.count(), "an override must not extract anything");
        }
    }
}
