package dev.jdnn.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads oneDNN once per JVM: from jdnn's own native jar (extracted into the per-user cache), or from the
 * library that the user names with the system property {@value #LIBRARY_PROPERTY} or the environment
 * variable {@value #LIBRARY_ENV}, which must be oneDNN 3.x. The generated bindings resolve every symbol through
 * {@link #symbols()}.
 */
public final class NativeLoader {
    public static final String LIBRARY_PROPERTY = "jdnn.library.path";
    public static final String LIBRARY_ENV = "JDNN_LIBRARY_PATH";

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
        return loadedSymbols != null ? loadedSymbols : load();
    }

    private static synchronized SymbolLookup load() {
        if (symbols != null) return symbols;
        if (checking != null) return checking;
        if (failure != null) throw new NativeLoadException(failure.getMessage(), failure);
        try {
            Path override = override();
            List<Path> paths = override != null ? List.of(override) : bundled();
            SymbolLookup lookup = null;
            for (Path path : paths) {
                SymbolLookup library = SymbolLookup.libraryLookup(path, Arena.global());
                lookup = lookup == null ? library : library.or(lookup);
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

    /** jdnn's own libraries, extracted from its native jar into the per-user cache (or found there). */
    private static List<Path> bundled() {
        String platform = Platform.current();
        return new LibraryCache(LibraryCache.defaultRoot(), NativeLoader.class.getClassLoader()).extract(platform);
    }
}
