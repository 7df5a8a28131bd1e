package dev.jdnn.gen;

import java.util.ArrayList;
import java.util.List;

/** Everything one header contributes to the bindings, in source order, and what had to be left out. */
final class HeaderBindings {
    /** An enum constant, a static const integer or an integer #define. */
    record Constant(String name, IntValue value) {}

    record Parameter(String name, CType type) {}

    /** A C function; the prototype is its C declaration, for documentation. */
    record Function(String name, CType returnType, List<Parameter> parameters, String prototype) {}

    /** A typedef of a scalar, pointer or array type; struct typedefs become struct classes instead. */
    record Typedef(String name, CType type) {}

    /** A declaration that is not bound, and why. */
    record Skipped(String name, String reason) {}

    final String header;
    final List<Typedef> typedefs = new ArrayList<>();
    final List<Constant> constants = new ArrayList<>();
    final List<Function> functions = new ArrayList<>();
    final List<RecordLayout> structs = new ArrayList<>();
    final List<Skipped> skipped = new ArrayList<>();

    HeaderBindings(String header) {
        this.header = header;
    }

    String className() {
        return HeaderFiles.className(header);
    }
}
