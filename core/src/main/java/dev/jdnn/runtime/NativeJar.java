package dev.jdnn.runtime;

import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One platform's files in jdnn's native jar ({@code dev.jdnn:jdnn-natives:<version>:<platform>}), under
 * {@code jdnn/native/<platform>/}: {@code libraries} (the load order), the libraries and their {@code .sha256}.
 * <p>Found through the class loader, which sees the jar on the class path. On the module path the jar is an
 * automatic module ({@code dev.jdnn.natives}) that no module requires, so the JVM does not resolve it and the
 * class loader cannot see it: then the entries of {@code jdk.module.path} are searched (jar files, exploded
 * folders, and folders holding either) and the files are read from there. Every failure to read the jar is a
 * {@link NativeLoadException}, so that a caller can tell it from a failure to write the cache.
 */
final class NativeJar implements AutoCloseable {
    private static final String RESOURCE_ROOT = "jdnn/native/";
    private static final String ORDER = "libraries";

    /** Opens one file of the jar by its full resource name, or returns null when it has none. */
    private interface Opener {
        InputStream open(String resource) throws IOException;
    }

    private final String platform;
    private final String location;
    private final Opener opener;
    private final ZipFile zip;

    private NativeJar(String platform, String location, Opener opener, ZipFile zip) {
        this.platform = platform;
        this.location = location;
        this.opener = opener;
        this.zip = zip;
    }

    /**
     * The native jar for {@code platform}: the one the class loader sees, else the first one on the module path.
     *
     * @param modulePath the value of {@code jdk.module.path} (null when the JVM has no module path)
     * @throws NativeLoadException naming the artifact to add when neither has it
     */
    static NativeJar find(String platform, ClassLoader loader, String modulePath) {
        String order = RESOURCE_ROOT + platform + "/" + ORDER;
        if (loader.getResource(order) != null) {
            return new NativeJar(platform, "on the class path", loader::getResourceAsStream, null);
        }
        NativeJar onModulePath = onModulePath(platform, modulePath, order);
        if (onModulePath != null) return onModulePath;
        String version = NativeJar.class.getPackage().getImplementationVersion();
        throw new NativeLoadException("jdnn's native jar for " + platform + " is on neither the class path nor"
                + " the module path (no " + order + "): add dev.jdnn:jdnn-natives:"
                + (version == null ? "<version>" : version) + ":" + platform
                + " (or dev.jdnn:jdnn-platform, which brings jdnn and its platform's native jar), or name a oneDNN"
                + " 3.x library with -D" + NativeLoader.LIBRARY_PROPERTY + " or " + NativeLoader.LIBRARY_ENV);
    }

    /** Where the files are read from, for messages: "on the class path", or "/path/of.jar on the module path". */
    String location() {
        return location;
    }

    /** A small text file of the jar, such as {@code libraries} or {@code libdnnl.so.3.sha256}. */
    String read(String name) {
        try (InputStream in = open(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw unreadable(name, e);
        }
    }

    /** A file of the jar; reading it fails with a {@link NativeLoadException}, never an IOException. */
    InputStream open(String name) {
        String resource = RESOURCE_ROOT + platform + "/" + name;
        InputStream in;
        try {
            in = opener.open(resource);
        } catch (IOException e) {
            throw unreadable(name, e);
        }
        if (in == null) {
            throw new NativeLoadException("jdnn's native jar (" + location + ") has no " + resource
                    + ", which its " + ORDER + " file calls for; the native jar is corrupt");
        }
        return new FilterInputStream(in) {
            @Override
            public int read() {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw unreadable(name, e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw unreadable(name, e);
                }
            }
        };
    }

    private NativeLoadException unreadable(String name, IOException e) {
        return new NativeLoadException("cannot read " + RESOURCE_ROOT + platform + "/" + name + " from jdnn's native"
                + " jar (" + location + "): " + e, e);
    }

    /** Closes the jar file this reads from, if any. */
    @Override
    public void close() {
        if (zip != null) closeQuietly(zip);
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException e) {
            // only read, never written: nothing is lost
        }
    }

    private static NativeJar onModulePath(String platform, String modulePath, String order) {
        if (modulePath == null) return null;
        for (String entry : modulePath.split(File.pathSeparator)) {
            if (entry.isBlank()) continue;
            Path path = Path.of(entry);
            NativeJar jar = Files.isDirectory(path)
                    ? inFolder(platform, path, order, true)
                    : inJar(platform, path, order);
            if (jar != null) return jar;
        }
        return null;
    }

    /** An exploded jar, or (when {@code ofModules}) a folder whose jars and exploded folders are searched too. */
    private static NativeJar inFolder(String platform, Path folder, String order, boolean ofModules) {
        if (Files.isRegularFile(folder.resolve(order))) {
            String location = folder + " on the module path";
            return new NativeJar(platform, location, resource -> openFile(folder.resolve(resource)), null);
        }
        if (!ofModules) return null;
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
            stream.forEach(children::add);
        } catch (IOException e) {
            throw new NativeLoadException("cannot list " + folder + ", a folder on the module path: " + e, e);
        }
        children.sort(null); // the module path's own order within a folder is unspecified: at least be repeatable
        for (Path child : children) {
            NativeJar jar = Files.isDirectory(child)
                    ? inFolder(platform, child, order, false)
                    : inJar(platform, child, order);
            if (jar != null) return jar;
        }
        return null;
    }

    private static InputStream openFile(Path file) throws IOException {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static NativeJar inJar(String platform, Path file, String order) {
        if (!file.getFileName().toString().endsWith(".jar") || !Files.isRegularFile(file)) return null;
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw new NativeLoadException("cannot read " + file + ", a jar on the module path: " + e, e);
        }
        if (zip.getEntry(order) == null) {
            closeQuietly(zip);
            return null;
        }
        Opener opener = resource -> {
            ZipEntry entry = zip.getEntry(resource);
            return entry == null ? null : zip.getInputStream(entry);
        };
        return new NativeJar(platform, file + " on the module path", opener, zip);
    }
}
