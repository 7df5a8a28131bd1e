package dev.jdnn.gen;

/** C declarations for documentation, written as a C programmer would write them. */
final class CDeclarators {
    private CDeclarators() {}

    /**
     * A declaration of {@code name} with a type as clang spells it: "const char *" and "hash" make
     * "const char *hash", "unsigned char[4]" and "_x" make "unsigned char _x[4]", "void (*)(int)" and "f" make
     * "void (*f)(int)".
     */
    static String of(String spelled, String name) {
        if (name.isEmpty()) return spelled;
        if (spelled.contains("(*)")) return spelled.replaceFirst("\\(\\*\\)", "(*" + name + ")");
        int array = spelled.indexOf('[');
        if (array >= 0 && !spelled.contains("(")) {
            return of(spelled.substring(0, array).strip(), name) + spelled.substring(array);
        }
        return spelled.endsWith("*") ? spelled + name : spelled + " " + name;
    }
}
