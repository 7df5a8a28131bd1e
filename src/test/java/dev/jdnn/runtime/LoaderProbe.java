package dev.jdnn.runtime;

/** Run in a child JVM by the loader tests: loads oneDNN and prints its version, or the loader's error. */
public final class LoaderProbe {
    private LoaderProbe() {}

    public static void main(String[] args) {
        try {
            System.out.println("version=" + OneDnn.version() + " from=" + NativeLoader.loadedLibraries().getLast());
        } catch (NativeLoadException e) {
            System.out.println("error=" + e.getMessage());
            System.exit(3);
        }
    }
}
