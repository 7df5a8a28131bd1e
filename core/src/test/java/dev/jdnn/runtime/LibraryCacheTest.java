package dev.jdnn.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryCacheTest {
    private static final String PLATFORM = "linux-x86_64";

    @Test
    void aNativeJarWhoseLibraryDoesNotMatchItsHashIsRefused(@TempDir Path root) throws Exception {
        Path resources = root.resolve("jar/jdnn/native/linux-x86_64");
        Files.createDirectories(resources);
        Files.writeString(resources.resolve("libraries"), "libfake.so\n");
        Files.writeString(resources.resolve("libfake.so"), "not what was hashed");
        Files.writeString(resources.resolve("libfake.so.sha256"), "00".repeat(32));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root.resolve("jar").toUri().toURL()}, null);
             NativeJar jar = NativeJar.find(PLATFORM, loader, null)) {
            LibraryCache cache = new LibraryCache(root.resolve("cache"), jar, false);
            NativeLoadException e = assertThrows(NativeLoadException.class, () -> cache.extract(PLATFORM));
            assertTrue(e.getMessage().contains("libfake.so") && e.getMessage().contains("corrupt"), e.getMessage());
        }
    }

    /** Issue 15: a native jar found on the module path is verified against its hashes as one on the class path. */
    @Test
    void aJarOnTheModulePathIsVerifiedToo(@TempDir Path root) throws Exception {
        byte[] library = "a library".getBytes(StandardCharsets.UTF_8);
        Path good = NativeJarTest.jar(root.resolve("good.jar"), PLATFORM, Map.of("libraries", "libfake.so".getBytes(),
                "libfake.so", library, "libfake.so.sha256", (sha256(library) + "  libfake.so\n").getBytes()));
        try (NativeJar jar = NativeJar.find(PLATFORM, NativeJarTest.EMPTY, good.toString())) {
            List<Path> extracted = new LibraryCache(root.resolve("cache"), jar, false).extract(PLATFORM);
            assertArrayEquals(library, Files.readAllBytes(extracted.getFirst()));
        }
        Path corrupt = NativeJarTest.jar(root.resolve("corrupt.jar"), PLATFORM, Map.of("libraries", "libfake.so".getBytes(),
                "libfake.so", library, "libfake.so.sha256", "00".repeat(32).getBytes()));
        try (NativeJar jar = NativeJar.find(PLATFORM, NativeJarTest.EMPTY, corrupt.toString())) {
            LibraryCache cache = new LibraryCache(root.resolve("cache2"), jar, false);
            NativeLoadException e = assertThrows(NativeLoadException.class, () -> cache.extract(PLATFORM));
            assertTrue(e.getMessage().contains(corrupt + " on the module path") && e.getMessage().contains("corrupt"),
                    e.getMessage());
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
