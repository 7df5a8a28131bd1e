package dev.jdnn.gen;

/** File names as clang reports them ("./oneapi/dnnl/dnnl_types.h", "/usr/include/stdint.h"). */
final class HeaderFiles {
    private HeaderFiles() {}

    /** The name after the last separator: headers are identified by base name, never by path. */
    static String baseName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }

    /** "dnnl_types.h" becomes the class name "dnnl_types_h", as jextract names header classes. */
    static String className(String header) {
        return header.replace('.', '_').replace('-', '_');
    }
}
