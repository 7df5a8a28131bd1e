package dev.jdnn.modulepath;

import dev.jdnn.runtime.NativeLoadException;
import dev.jdnn.runtime.NativeLoader;
import dev.jdnn.runtime.OneDnn;

/**
 * Run by ModulePathTest in a child JVM whose module path holds jdnn (module dev.jdnn) and the native jar: an
 * application on the class path using jdnn as a module. In a package of its own, which module dev.jdnn does not
 * hold, so that the class path can give it. Prints the module jdnn came from, whether the native jar was resolved
 * as a module, and oneDNN's version (exit 0) or the loader's error (exit 3).
 */
public final class ModulePathProbe {
    private ModulePathProbe() {}

    public static void main(String[] args) {
        System.out.println("module=" + NativeLoader.class.getModule().getName());
        System.out.println("natives-resolved=" + ModuleLayer.boot().findModule("dev.jdnn.natives").isPresent());
        try {
            System.out.println("version=" + OneDnn.version() + " from=" + NativeLoader.loadedLibraries().getLast());
        } catch (NativeLoadException e) {
            System.out.println("error=" + e.getMessage());
            System.exit(3);
        }
    }
}
