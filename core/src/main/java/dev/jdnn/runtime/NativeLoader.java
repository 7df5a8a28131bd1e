package dev.jdnn.runtime;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loads oneDNN once per JVM: from jdnn's own native jar, or from the library that the user names with the system
 * property {@value #LIBRARY_PROPERTY} or the environment variable {@value #LIBRARY_ENV}, which must be oneDNN 3.x.
 * The generated bindings resolve every symbol through {@link #symbols()}.
 * <p>The native jar ({@code dev.jdnn:jdnn-natives:<version>:<platform>}) may be on the class path or on the
 * module path. Its libraries are extracted into a cache folder: the one named by the system property
 * {@code jdnn.cacheDir} or the environment variable {@code JDNN_CACHE_DIR}, else {@code $XDG_CACHE_HOME/jdnn},
 * else {@code ~/.cache/jdnn}. When that default folder cannot be written (a read-only home), they go to
 * {@code jdnn-<user.name>} in {@code java.io.tmpdir} instead, a folder only its owner may write, and a WARNING
 * says so; a folder the user named is never replaced: if it cannot be written, loading fails.
 * <p>Logging, through {@link System.Logger} on the logger {@value #LOGGER}: once per JVM at DEBUG, the oneDNN
 * version, the instruction set it dispatches to and the files loaded; at DEBUG and TRACE too, where the native
 * jar was found and what was extracted or reused; at WARNING, a cache folder that could not be used, or cached
 * libraries that failed to load and are verified (and extracted again if damaged) before a second try. Nothing is
 * printed, and with a logging configuration's defaults (INFO) nothing is logged either: a library that logs on
 * every start adds to its users' logs and to the time to a first prediction (about 50 ms of CPU measured).
 */
public final class NativeLoader {
    public static final String LIBRARY_PROPERTY = "jdnn.library.path";
    public static final String LIBRARY_ENV = "JDNN_LIBRARY_PATH";
    /** The name of the {@link System.Logger} jdnn logs to. */
    public static final String LOGGER = "dev.jdnn";

    private static final System.Logger LOG = System.getLogger(LOGGER);
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

    private static volatile SymbolLookup symbols;
    /**
     * The lookup whose version is being checked, seen only by the loading thread (it holds the class lock): the
     * check calls oneDNN through the bindings, while other threads wait until the library passed it.
     */
    private static SymbolLookup checking;
    private static List<Path> loaded;
    private static NativeLoadException failure;

    private NativeLoader() {}

    /**
     * The symbols of the loaded libraries; loads them on first use (checking the version of a library the user
     * names). Once loaded this takes no lock: per-call wrappers such as {@link Threads#set} go through it.
     */
    public static SymbolLookup symbols() {
        SymbolLookup loadedSymbols = symbols;
        return loadedSymbols != null ? loadedSymbols : loadAndAnnounce();
    }

    private static SymbolLookup loadAndAnnounce() {
        SymbolLookup lookup = load();
        announce();
        return lookup;
    }

    /**
     * Logs what was loaded, once, after the library is published and outside the class lock: asking oneDNN its
     * version and ISA initializes those bindings, and another thread may be in such an initialization, waiting
     * for this lock. The ISA costs a native binding that nothing else at start-up needs, so it is asked only when
     * the line will be logged. Calls made while the version check holds the lock (symbols still null) skip this.
     */
    private static void announce() {
        if (symbols == null || !LOG.isLoggable(Level.DEBUG) || !ANNOUNCED.compareAndSet(false, true)) return;
        String files = String.join(", ", loaded.stream().map(Path::toString).toList());
        LOG.log(Level.DEBUG, OneDnn.summary() + " loaded from " + files);
    }

    private static synchronized SymbolLookup load() {
        if (symbols != null) return symbols;
        if (checking != null) return checking;
        if (failure != null) throw new NativeLoadException(failure.getMessage(), failure);
        try {
            Path override = override();
            List<Path> paths = override != null ? List.of(override) : bundled(false);
            SymbolLookup lookup;
            try {
                lookup = lookupAll(paths);
            } catch (IllegalArgumentException e) {
                if (override != null) throw e;
                // A cached file damaged without a change of size or time passes the stamp check (issue 20): hash
                // every cached file, replace those that are wrong, and try once more.
                LOG.log(Level.WARNING, "cannot load jdnn's cached native libraries (" + e.getMessage()
                        + "); verifying their SHA-256 and extracting again those that are damaged");
                paths = bundled(true);
                lookup = lookupAll(paths);
            }
            // The bundled library is the one jdnn was built and tested with (verified against the SHA-256 its jar
            // declares when extracted): asking it for its version would only add a native binding to every start.
            if (override != null) {
                checking = lookup;
                try {
                    requireOneDnn3(override);
                } finally {
                    checking = null;
                }
            }
            loaded = List.copyOf(paths);
            symbols = lookup;
            return lookup;
        } catch (NativeLoadException e) {
            failure = e;
            throw e;
        } catch (IllegalArgumentException e) {
            failure = new NativeLoadException("cannot load oneDNN: " + e.getMessage(), e);
            throw failure;
        }
    }

    private static SymbolLookup lookupAll(List<Path> paths) {
        SymbolLookup lookup = null;
        for (Path path : paths) {
            SymbolLookup library = SymbolLookup.libraryLookup(path, Arena.global());
            lookup = lookup == null ? library : library.or(lookup);
        }
        return lookup;
    }

    /** The files that were loaded, in load order (libdnnl last); loads them if needed. */
    public static synchronized List<Path> loadedLibraries() {
        symbols();
        return loaded;
    }

    private static void requireOneDnn3(Path library) {
        try {
            OneDnn.requireVersion3(library);
        } catch (UnsatisfiedLinkError e) {
            throw new NativeLoadException(library + " is not a oneDNN library (" + e.getMessage()
                    + "); jdnn requires oneDNN 3.x");
        }
    }

    /** The library the user names, or null to use jdnn's own. */
    private static Path override() {
        String override = System.getProperty(LIBRARY_PROPERTY);
        String origin = "system property " + LIBRARY_PROPERTY;
        if (override == null || override.isBlank()) {
            override = System.getenv(LIBRARY_ENV);
            origin = "environment variable " + LIBRARY_ENV;
        }
        if (override == null || override.isBlank()) return null;
        Path path = Path.of(override);
        if (!Files.isRegularFile(path)) {
            throw new NativeLoadException(origin + " names " + path + ", which is not a file;"
                    + " it must name a oneDNN 3.x shared library such as libdnnl.so.3");
        }
        return path.toAbsolutePath();
    }

    /**
     * jdnn's own libraries, extracted from its native jar into the cache folder (or found there); with
     * {@code rehash}, every cached file is hashed even if its stamp says it is unchanged.
     */
    private static List<Path> bundled(boolean rehash) {
        String platform = Platform.current();
        ClassLoader loader = NativeLoader.class.getClassLoader();
        try (NativeJar jar = NativeJar.find(platform, loader, System.getProperty("jdk.module.path"))) {
            return extract(jar, platform, rehash);
        }
    }

    private static List<Path> extract(NativeJar jar, String platform, boolean rehash) {
        CacheFolder cache = CacheFolder.configured();
        try {
            return new LibraryCache(cache.path(), jar, rehash).extract(platform);
        } catch (IOException e) {
            if (cache.named()) {
                throw new NativeLoadException(cache.origin() + " names " + cache.path() + ", where jdnn cannot write"
                        + " its native libraries (" + e + "): name a writable folder, or leave " + CacheFolder.PROPERTY
                        + " and " + CacheFolder.ENV + " unset for the default", e);
            }
            Path fallback = CacheFolder.privateTempFolder();
            LOG.log(Level.WARNING, "cannot write jdnn's native-library cache " + cache.path() + " (" + e
                    + "); using " + fallback + " instead. Set " + CacheFolder.ENV + " to choose a writable folder");
            try {
                CacheFolder.createPrivate(fallback);
                return new LibraryCache(fallback, jar, rehash).extract(platform);
            } catch (IOException again) {
                throw new NativeLoadException("jdnn can write its native libraries neither into " + cache.path()
                        + " (" + e + ") nor into " + fallback + " (" + again + "): set " + CacheFolder.ENV
                        + " to a writable folder", again);
            }
        }
    }
}
