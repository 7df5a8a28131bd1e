package dev.jdnn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.modulepath.ModulePathProbe;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15: an application that puts jdnn and its native jar on the module path. The native jar is then an
 * automatic module that nobody requires, which the JVM does not resolve; the loader must find it on the module path.
 * jdnn is the exploded module target/classes; Jackson's jars come from this test's class path.
 */
class ModulePathTest {
    @ParameterizedTest(name = "native jar as {0}")
    @ValueSource(strings = {"a jar", "a jar in a folder", "an exploded folder"})
    void jdnnOnTheModulePathLoadsOneDnnFromItsNativeJar(String how, @TempDir Path root) throws Exception {
        Path nativeJar = classPathEntry("jdnn-natives-");
        Path link = root.resolve("mods").resolve(nativeJar.getFileName());
        Path natives = switch (how) {
            case "a jar" -> nativeJar;
            case "a jar in a folder" -> {
                Files.createDirectories(link.getParent());
                yield Files.createSymbolicLink(link, nativeJar).getParent();
            }
            default -> Path.of(System.getProperty("jdnn.test.nativeStaging"));
        };
        Path cache = root.resolve("cache");
        ChildJvm.Result result;
        try {
            result = run(natives, cache);
        } finally {
            Files.deleteIfExists(link); // @TempDir would warn of a link leading out of it
        }
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("module=dev.jdnn\n") && result.output().contains("natives-resolved=false\n"),
                "not the case this tests: " + result.output());
        assertTrue(result.output().contains("version=3.13.") && result.output().contains("from=" + cache), result.output());
    }

    @Test
    void withoutTheNativeJarTheErrorNamesBothPathsAndTheArtifact(@TempDir Path root) throws Exception {
        ChildJvm.Result result = run(null, root.resolve("cache"));
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("is on neither the class path nor the module path")
                && result.output().contains("add dev.jdnn:jdnn-natives:") && result.output().contains("dev.jdnn:jdnn-platform"),
                result.output());
    }

    /** java --module-path jdnn,Jackson[,natives] --add-modules dev.jdnn -cp (this test's classes) ModulePathProbe */
    private static ChildJvm.Result run(Path natives, Path cache) throws Exception {
        List<String> modulePath = new ArrayList<>(List.of(System.getProperty("jdnn.test.classes"),
                classPathEntry("jackson-databind-").toString(), classPathEntry("jackson-core-").toString(),
                classPathEntry("jackson-annotations-").toString()));
        if (natives != null) modulePath.add(natives.toString());
        Path probeClasses = Path.of(ModulePathProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return ChildJvm.await(ChildJvm.java(List.of("--module-path", String.join(File.pathSeparator, modulePath),
                "--add-modules", "dev.jdnn", "--enable-native-access=dev.jdnn", "-D" + CacheFolder.PROPERTY + "=" + cache,
                "-cp", probeClasses.toString(), ModulePathProbe.class.getName()), Map.of()));
    }

    private static Path classPathEntry(String fileNamePrefix) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.getFileName().toString().startsWith(fileNamePrefix)) return path;
        }
        throw new AssertionError("no " + fileNamePrefix + "* on the test class path");
    }
}
