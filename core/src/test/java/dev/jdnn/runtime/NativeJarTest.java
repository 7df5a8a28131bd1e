package dev.jdnn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15: where the native jar is found, on the class path or on the module path. */
class NativeJarTest {
    /** A class loader that sees nothing, as the application loader when the native jar is an unresolved module. */
    static final ClassLoader EMPTY = new URLClassLoader(new URL[0], null);
    private static final String PLATFORM = "linux-arm64";
    private static final Map<String, byte[]> FILES = Map.of("libraries", "liba.so, libb.so\n".getBytes());

    @Test
    void theClassPathComesFirst(@TempDir Path root) throws Exception {
        Path onClassPath = exploded(root.resolve("classes"), Map.of("libraries", "from the class path".getBytes()));
        Path onModulePath = jar(root.resolve("natives.jar"), FILES);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {onClassPath.toUri().toURL()}, null);
             NativeJar jar = NativeJar.find(PLATFORM, loader, onModulePath.toString())) {
            assertEquals("from the class path", jar.read("libraries"));
            assertEquals("on the class path", jar.location());
        }
    }

    @Test
    void aJarOnTheModulePath(@TempDir Path root) throws Exception {
        Path other = jar(root.resolve("other.jar"), Map.of());
        Path natives = jar(root.resolve("natives.jar"), FILES);
        assertFound(natives, String.join(File.pathSeparator, other.toString(), "", natives.toString()));
    }

    @Test
    void aJarInAFolderOnTheModulePath(@TempDir Path root) throws Exception {
        Path folder = Files.createDirectory(root.resolve("mods"));
        jar(folder.resolve("a-other.jar"), Map.of());
        Files.writeString(folder.resolve("notes.txt"), "not a jar");
        Path natives = jar(folder.resolve("natives.jar"), FILES);
        assertFound(natives, folder.toString());
    }

    @Test
    void anExplodedFolderOnTheModulePath(@TempDir Path root) throws Exception {
        Path exploded = exploded(root.resolve("natives"), FILES);
        assertFound(exploded, exploded.toString());
        Path parent = root.resolve("mods");
        Files.createDirectories(parent);
        Path inside = exploded(parent.resolve("natives"), FILES);
        assertFound(inside, parent.toString());
    }

    @Test
    void missingEverywhereNamesBothPathsAndTheArtifact(@TempDir Path root) throws Exception {
        Path other = jar(root.resolve("other.jar"), Map.of());
        for (String modulePath : new String[] {null, other.toString()}) {
            NativeLoadException e = assertThrows(NativeLoadException.class, () -> NativeJar.find(PLATFORM, EMPTY, modulePath));
            String message = e.getMessage();
            assertTrue(message.contains("native jar for linux-arm64 is on neither the class path nor the module path")
                    && message.contains("dev.jdnn:jdnn-natives:") && message.contains(":linux-arm64 ")
                    && message.contains("dev.jdnn:jdnn-platform") && !message.contains("dev.jdnn:jdnn:"), message);
        }
    }

    @Test
    void aFileTheOrderListsButTheJarLacksIsNamed(@TempDir Path root) throws Exception {
        Path natives = jar(root.resolve("natives.jar"), FILES);
        try (NativeJar jar = NativeJar.find(PLATFORM, EMPTY, natives.toString())) {
            NativeLoadException e = assertThrows(NativeLoadException.class, () -> jar.open("liba.so"));
            assertTrue(e.getMessage().contains("jdnn/native/linux-arm64/liba.so") && e.getMessage().contains("corrupt"),
                    e.getMessage());
        }
    }

    private static void assertFound(Path where, String modulePath) throws IOException {
        try (NativeJar jar = NativeJar.find(PLATFORM, EMPTY, modulePath)) {
            assertEquals("liba.so, libb.so\n", jar.read("libraries"));
            assertEquals(where + " on the module path", jar.location());
        }
    }

    private static Path jar(Path file, Map<String, byte[]> files) throws IOException {
        return jar(file, PLATFORM, files);
    }

    /** Writes a jar holding {@code files} under jdnn/native/{@code platform}/. */
    static Path jar(Path file, String platform, Map<String, byte[]> files) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
                zip.putNextEntry(new ZipEntry("jdnn/native/" + platform + "/" + f.getKey()));
                zip.write(f.getValue());
            }
        }
        return file;
    }

    private static Path exploded(Path folder, Map<String, byte[]> files) throws IOException {
        Path resources = Files.createDirectories(folder.resolve("jdnn/native/" + PLATFORM));
        for (Map.Entry<String, byte[]> f : files.entrySet()) Files.write(resources.resolve(f.getKey()), f.getValue());
        return folder;
    }
}
