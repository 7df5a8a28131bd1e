package dev.jdnn.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryCacheTest {
    @Test
    void aNativeJarWhoseLibraryDoesNotMatchItsHashIsRefused(@TempDir Path root) throws Exception {
        Path resources = root.resolve("jar/jdnn/native/linux-x86_64");
        Files.createDirectories(resources);
        Files.writeString(resources.resolve("libraries"), "libfake.so\n");
        Files.writeString(resources.resolve("libfake.so"), "not what was hashed");
        Files.writeString(resources.resolve("libfake.so.sha256"), "00".repeat(32));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root.resolve("jar").toUri().toURL()}, null)) {
            LibraryCache cache = new LibraryCache(root.resolve("cache"), loader);
            NativeLoadException e = assertThrows(NativeLoadException.class, () -> cache.extract("linux-x86_64"));
            assertTrue(e.getMessage().contains("libfake.so") && e.getMessage().contains("corrupt"), e.getMessage());
        }
    }

    @Test
    void aMissingNativeJarNamesWhatToAdd(@TempDir Path root) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[0], null)) {
            LibraryCache cache = new LibraryCache(root, loader);
            NativeLoadException e = assertThrows(NativeLoadException.class, () -> cache.extract("linux-arm64"));
            assertTrue(e.getMessage().contains("native jar for linux-arm64 is not on the class path"), e.getMessage());
        }
    }
}
