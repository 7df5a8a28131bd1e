package dev.jdnn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a cache folder that cannot be written. The tests run as root, who may write into any folder whatever
 * its permissions: a folder below a regular file is one that nobody can create.
 */
class CacheFolderTest {
    @TempDir
    Path root;

    @Test
    void anUnwritableDefaultFallsBackToAPrivateFolderInTheTemporaryFolder() throws Exception {
        Path tmp = Files.createDirectory(root.resolve("tmp"));
        Path unusable = blockedFolder();
        ChildJvm.Result result = ChildJvm.run(null, Map.of("java.io.tmpdir", tmp.toString()),
                Map.of("XDG_CACHE_HOME", unusable.toString()));
        assertEquals(0, result.exitCode(), result.output());
        Path fallback = tmp.resolve("jdnn-" + System.getProperty("user.name"));
        assertTrue(result.output().contains("version=3.13.") && result.output().contains("from=" + fallback + "/"),
                result.output());
        assertTrue(result.output().contains("WARNING: cannot write jdnn's native-library cache " + unusable.resolve("jdnn"))
                && result.output().contains("using " + fallback + " instead"), result.output());
        if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fallback)));
        }
    }

    @Test
    void anUnwritableFolderNamedByThePropertyIsAnError() throws Exception {
        Path tmp = Files.createDirectory(root.resolve("tmp"));
        Path unusable = blockedFolder();
        ChildJvm.Result result = ChildJvm.run(unusable, Map.of("java.io.tmpdir", tmp.toString()), Map.of());
        assertNamedFolderRefused(result, "system property jdnn.cacheDir names " + unusable, tmp);
    }

    @Test
    void anUnwritableFolderNamedByTheEnvironmentIsAnError() throws Exception {
        Path tmp = Files.createDirectory(root.resolve("tmp"));
        Path unusable = blockedFolder();
        ChildJvm.Result result = ChildJvm.run(null, Map.of("java.io.tmpdir", tmp.toString()),
                Map.of(CacheFolder.ENV, unusable.toString()));
        assertNamedFolderRefused(result, "environment variable JDNN_CACHE_DIR names " + unusable, tmp);
    }

    /** A read-only folder, for a user other than root (who can write there anyway, so the test is skipped). */
    @Test
    void aReadOnlyNamedFolderIsAnError() throws Exception {
        Path tmp = Files.createDirectory(root.resolve("tmp"));
        Path readOnly = Files.createDirectory(root.resolve("read-only"));
        assumeTrue(Files.getFileStore(readOnly).supportsFileAttributeView("posix"), "no POSIX permissions here");
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
        try {
            assumeFalse(Files.isWritable(readOnly), "running as root, who can write into a read-only folder");
            ChildJvm.Result result = ChildJvm.run(readOnly, Map.of("java.io.tmpdir", tmp.toString()), Map.of());
            assertNamedFolderRefused(result, "system property jdnn.cacheDir names " + readOnly, tmp);
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** Whoever can write into the fallback folder chooses the code that runs: one others can write is refused. */
    @Test
    void aFallbackFolderOthersCanWriteIsRefused() throws Exception {
        Path tmp = Files.createDirectory(root.resolve("tmp"));
        assumeTrue(Files.getFileStore(tmp).supportsFileAttributeView("posix"), "no POSIX permissions here");
        Path fallback = Files.createDirectory(tmp.resolve("jdnn-" + System.getProperty("user.name")));
        Files.setPosixFilePermissions(fallback, PosixFilePermissions.fromString("rwxrwxrwx"));
        ChildJvm.Result result = ChildJvm.run(null, Map.of("java.io.tmpdir", tmp.toString()),
                Map.of("XDG_CACHE_HOME", blockedFolder().toString()));
        assertFallbackRefused(result, fallback);
    }

    /** Needs root (to give the folder away); skipped otherwise. */
    @Test
    void aFallbackFolderOfAnotherUserIsRefused() throws Exception {
        Path tmp = Files.createDirectory(root.resolve("tmp"));
        assumeTrue(Files.getFileStore(tmp).supportsFileAttributeView("posix"), "no POSIX permissions here");
        Path fallback = Files.createDirectory(tmp.resolve("jdnn-" + System.getProperty("user.name")));
        try {
            UserPrincipal nobody = fallback.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
            Files.setOwner(fallback, nobody);
        } catch (IOException e) {
            assumeTrue(false, "cannot give a folder to user nobody here: " + e);
        }
        ChildJvm.Result result = ChildJvm.run(null, Map.of("java.io.tmpdir", tmp.toString()),
                Map.of("XDG_CACHE_HOME", blockedFolder().toString()));
        assertFallbackRefused(result, fallback);
        assertTrue(result.output().contains(fallback + " belongs to nobody"), result.output());
    }

    /** A folder nobody can create, root included: its parent is a regular file. */
    private Path blockedFolder() throws IOException {
        return Files.writeString(root.resolve("a-file"), "not a folder").resolve("cache");
    }

    private static void assertNamedFolderRefused(ChildJvm.Result result, String names, Path tmp) throws IOException {
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("error=" + names + ", where jdnn cannot write its native libraries")
                && (result.output().contains("Not a directory") || result.output().contains("AccessDenied")),
                result.output());
        try (var files = Files.list(tmp)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith("jdnn-")),
                    "a folder the user named was replaced by one in java.io.tmpdir");
        }
    }

    private static void assertFallbackRefused(ChildJvm.Result result, Path fallback) throws IOException {
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("error=" + fallback + " belongs to ")
                && result.output().contains("jdnn will not load native libraries from a folder that another user can"
                + " write"), result.output());
        try (var files = Files.list(fallback)) {
            assertEquals(0, files.count(), "jdnn wrote into " + fallback);
        }
    }
}
