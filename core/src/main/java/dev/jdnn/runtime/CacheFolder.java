package dev.jdnn.runtime;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * The folder that {@link LibraryCache} extracts jdnn's native libraries into. The user names it with the system
 * property {@value #PROPERTY} or, failing that, the environment variable {@value #ENV}; otherwise it is
 * {@code $XDG_CACHE_HOME/jdnn}, or {@code ~/.cache/jdnn} without XDG_CACHE_HOME.
 *
 * @param path   the folder
 * @param origin what named it, e.g. "system property jdnn.cacheDir", or null for the default
 */
record CacheFolder(Path path, String origin) {
    static final String PROPERTY = "jdnn.cacheDir";
    static final String ENV = "JDNN_CACHE_DIR";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    /** The folder the user named, else the default one. */
    static CacheFolder configured() {
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return new CacheFolder(Path.of(property), "system property " + PROPERTY);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) return new CacheFolder(Path.of(env), "environment variable " + ENV);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new CacheFolder(base.resolve("jdnn"), null);
    }

    /** True when the user named the folder: then jdnn must use it or fail, never pick another. */
    boolean named() {
        return origin != null;
    }

    /**
     * The fallback when the default folder cannot be written (a read-only home): {@code jdnn-<user.name>} in
     * {@code java.io.tmpdir}; {@link #createPrivate} makes it ready.
     */
    static Path privateTempFolder() {
        String user = System.getProperty("user.name", "").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "jdnn-" + user).toAbsolutePath();
    }

    /**
     * Creates {@code folder} readable and writable by its owner only, where the file system has POSIX permissions,
     * or checks that the existing one is. The temporary folder is shared by all users, and whoever can write into
     * this folder chooses the code this JVM loads: a folder that another user owns, or that others may write, is
     * refused.
     *
     * @throws IOException         when the folder cannot be created or written
     * @throws NativeLoadException when it exists but is not private to this user
     */
    static void createPrivate(Path folder) throws IOException {
        if (!folder.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(folder); // e.g. Windows, whose java.io.tmpdir belongs to the user
            return;
        }
        try {
            Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            requirePrivate(folder);
        }
    }

    private static void requirePrivate(Path folder) throws IOException {
        PosixFileAttributes attributes =
                Files.readAttributes(folder, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new NativeLoadException(folder + " is a symbolic link or not a folder; jdnn keeps its native"
                    + " libraries there when the default cache cannot be written: remove it, or name a writable folder"
                    + " with " + ENV);
        }
        // Whoever runs this JVM owns the files it creates: the owner to compare with, without a name lookup
        // (a container's user may have no name).
        Path probe = Files.createTempFile(folder, "owner", ".tmp");
        UserPrincipal me;
        try {
            me = Files.getOwner(probe);
        } finally {
            Files.delete(probe);
        }
        boolean othersWrite = attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
                || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE);
        if (!attributes.owner().equals(me) || othersWrite) {
            throw new NativeLoadException(folder + " belongs to " + attributes.owner().getName() + " with permissions "
                    + PosixFilePermissions.toString(attributes.permissions()) + ": jdnn will not load native libraries"
                    + " from a folder that another user can write; remove it, or name a writable folder with " + ENV);
        }
    }
}
