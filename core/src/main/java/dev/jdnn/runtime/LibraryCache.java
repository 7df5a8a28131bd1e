package dev.jdnn.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Extracts one platform's native libraries from the class path into a per-user cache folder keyed by
 * their content hash. Every file is written under a temporary name, verified against the SHA-256 the
 * native jar carries, then renamed atomically, so concurrent JVMs all end with complete files. A cached
 * file whose size or timestamp changed since it was verified is hashed again and replaced if corrupt.
 */
final class LibraryCache {
    private static final String RESOURCE_ROOT = "jdnn/native/";

    private final Path root;
    private final ClassLoader loader;

    LibraryCache(Path root, ClassLoader loader) {
        this.root = root;
        this.loader = loader;
    }

    /** The per-user default: $JDNN_CACHE_DIR, else $XDG_CACHE_HOME/jdnn, else ~/.cache/jdnn. */
    static Path defaultRoot() {
        String property = System.getProperty("jdnn.cacheDir");
        if (property != null && !property.isBlank()) return Path.of(property);
        String env = System.getenv("JDNN_CACHE_DIR");
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jdnn");
    }

    /** Extracts (or reuses) the platform's libraries and returns their paths in load order. */
    List<Path> extract(String platform) {
        String prefix = RESOURCE_ROOT + platform + "/";
        String order = readResource(prefix + "libraries", platform);
        List<String> names = List.of(order.trim().split("\\s*,\\s*"));
        List<String> hashes = new ArrayList<>();
        for (String name : names) {
            hashes.add(readResource(prefix + name + ".sha256", platform).trim().split("\\s+")[0].toLowerCase());
        }
        Path folder = root.resolve(platform + "-" + folderKey(names, hashes));
        List<Path> paths = new ArrayList<>();
        try {
            Files.createDirectories(folder);
            for (int i = 0; i < names.size(); i++) {
                paths.add(ensure(folder, prefix, names.get(i), hashes.get(i)));
            }
        } catch (IOException e) {
            throw new NativeLoadException("cannot extract jdnn's native libraries into " + folder + ": " + e, e);
        }
        return paths;
    }

    private Path ensure(Path folder, String prefix, String name, String expectedHash) throws IOException {
        Path target = folder.resolve(name);
        Path stamp = folder.resolve(name + ".verified");
        if (Files.isRegularFile(target) && isVerified(target, stamp, expectedHash)) {
            return target;
        }
        Path temp = Files.createTempFile(folder, name + ".", ".tmp");
        try {
            try (InputStream in = open(prefix + name)) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            String actual = sha256(temp);
            if (!actual.equals(expectedHash)) {
                throw new NativeLoadException("native library " + prefix + name + " on the class path has SHA-256 "
                        + actual + " but its jar declares " + expectedHash + "; the native jar is corrupt");
            }
            moveAtomically(temp, target);
            writeStamp(folder, stamp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    /** True when the stamp still describes the file, or when re-hashing proves it intact. */
    private boolean isVerified(Path target, Path stamp, String expectedHash) throws IOException {
        String now = describe(target);
        if (Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(now)) {
            return true;
        }
        if (!sha256(target).equals(expectedHash)) {
            return false;
        }
        writeStamp(target.getParent(), stamp, target);
        return true;
    }

    private static void writeStamp(Path folder, Path stamp, Path target) throws IOException {
        Path temp = Files.createTempFile(folder, stamp.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temp, describe(target), StandardCharsets.UTF_8);
            moveAtomically(temp, stamp);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String describe(Path file) throws IOException {
        return Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis();
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private InputStream open(String resource) {
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            throw new NativeLoadException("resource " + resource + " not found: put jdnn's native jar for this"
                    + " platform on the class path, or name a libdnnl with -Djdnn.library.path");
        }
        return in;
    }

    private String readResource(String resource, String platform) {
        InputStream stream = loader.getResourceAsStream(resource);
        if (stream == null) {
            throw new NativeLoadException("jdnn's native jar for " + platform + " is not on the class path (missing "
                    + resource + "); add dev.jdnn:jdnn:<version>:" + platform
                    + ", or name a libdnnl with -Djdnn.library.path");
        }
        try (InputStream in = stream) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String folderKey(List<String> names, List<String> hashes) {
        MessageDigest digest = sha256Digest();
        for (int i = 0; i < names.size(); i++) {
            digest.update((names.get(i) + "=" + hashes.get(i) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
