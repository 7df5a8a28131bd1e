package dev.jdnn.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
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
import java.util.Locale;

/**
 * Extracts one platform's native libraries from jdnn's native jar into a cache folder, in a subfolder keyed by
 * their content hash. Every file is written under a temporary name, verified against the SHA-256 the native jar
 * carries, then renamed atomically, so concurrent JVMs all end with complete files. A cached file whose size or
 * timestamp changed since it was verified is hashed again and replaced if corrupt; after a cached file failed to
 * load, all are hashed again ({@code rehash}), which catches damage that kept the size and time. What it finds and does is
 * logged at DEBUG (and TRACE) on the logger {@value NativeLoader#LOGGER}.
 */
final class LibraryCache {
    private static final System.Logger LOG = System.getLogger(NativeLoader.LOGGER);

    private final Path root;
    private final NativeJar jar;
    private final boolean rehash;

    /** With {@code rehash}, every cached file is hashed, whatever its stamp says: after it failed to load. */
    LibraryCache(Path root, NativeJar jar, boolean rehash) {
        this.root = root;
        this.jar = jar;
        this.rehash = rehash;
    }

    /**
     * Extracts (or reuses) the platform's libraries and returns their paths in load order.
     *
     * @throws IOException         when the cache folder cannot be created, read or written
     * @throws NativeLoadException when the native jar cannot be read or its contents do not match their hashes
     */
    List<Path> extract(String platform) throws IOException {
        List<String> names = List.of(jar.read("libraries").trim().split("\\s*,\\s*"));
        List<String> hashes = new ArrayList<>();
        for (String name : names) {
            hashes.add(jar.read(name + ".sha256").trim().split("\\s+")[0].toLowerCase(Locale.ROOT));
        }
        Path folder = root.resolve(platform + "-" + folderKey(names, hashes));
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "native libraries " + names + " from jdnn's native jar (" + jar.location()
                    + "), cached in " + folder);
        }
        Files.createDirectories(folder);
        List<Path> paths = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            paths.add(ensure(folder, names.get(i), hashes.get(i)));
        }
        return paths;
    }

    private Path ensure(Path folder, String name, String expectedHash) throws IOException {
        Path target = folder.resolve(name);
        Path stamp = folder.resolve(name + ".verified");
        if (Files.isRegularFile(target) && isVerified(target, stamp, expectedHash)) {
            return target;
        }
        Path temp = Files.createTempFile(folder, name + ".", ".tmp");
        try {
            try (InputStream in = jar.open(name)) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            String actual = sha256(temp);
            if (!actual.equals(expectedHash)) {
                throw new NativeLoadException("native library " + name + " in jdnn's native jar (" + jar.location()
                        + ") has SHA-256 " + actual + " but the jar declares " + expectedHash
                        + "; the native jar is corrupt");
            }
            moveAtomically(temp, target);
            writeStamp(folder, stamp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "extracted " + target + " (SHA-256 " + expectedHash + ", verified)");
        }
        return target;
    }

    /** True when the stamp still describes the file, or when re-hashing proves it intact. */
    private boolean isVerified(Path target, Path stamp, String expectedHash) throws IOException {
        String now = describe(target);
        if (!rehash && Files.isRegularFile(stamp) && Files.readString(stamp, StandardCharsets.UTF_8).equals(now)) {
            if (LOG.isLoggable(Level.TRACE)) LOG.log(Level.TRACE, "reusing " + target + ": unchanged since verified");
            return true;
        }
        if (!sha256(target).equals(expectedHash)) {
            if (LOG.isLoggable(Level.DEBUG)) LOG.log(Level.DEBUG, "replacing " + target + ": its SHA-256 is wrong");
            return false;
        }
        if (LOG.isLoggable(Level.DEBUG)) LOG.log(Level.DEBUG, "reusing " + target + ": changed, but hashed intact");
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
