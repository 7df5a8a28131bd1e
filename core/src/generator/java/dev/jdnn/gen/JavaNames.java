package dev.jdnn.gen;

import java.util.Set;

/** C identifiers made legal in Java: a keyword gets a trailing underscore, as jextract does. */
final class JavaNames {
    private static final Set<String> RESERVED = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "false", "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "null", "package", "private", "protected", "public", "return",
            "short", "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws",
            "transient", "true", "try", "void", "volatile", "while", "_");

    private JavaNames() {}

    static String safe(String identifier) {
        return RESERVED.contains(identifier) ? identifier + "_" : identifier;
    }
}
