package dev.jdnn.gen;

import java.util.List;

/**
 * One #define as {@code clang -E -dD} prints it.
 *
 * @param parameters the parameter names of a function-like macro, or null for an object-like one
 * @param file the base name of the header that defines it
 */
record MacroDefinition(String name, List<String> parameters, String body, String file) {
    boolean isFunctionLike() {
        return parameters != null;
    }
}
