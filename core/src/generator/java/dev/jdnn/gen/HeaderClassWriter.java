package dev.jdnn.gen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes one header's class: its typedef layouts, its integer constants as compile-time constants,
 * and one static method per C function whose downcall handle is made on first use, in a holder class.
 */
final class HeaderClassWriter {
    private HeaderClassWriter() {}

    /**
     * The Java source of the header's class.
     *
     * @param superclass the class of the header below in the chain, or null for the first
     * @param extended true when another header class extends this one
     */
    static String write(HeaderBindings header, String origin, String superclass, boolean extended) {
        String name = header.className();
        StringBuilder out = new StringBuilder();
        classDoc(out, header, superclass);
        out.append("public class ").append(name);
        if (superclass != null) out.append(" extends ").append(superclass);
        out.append(" {\n");
        out.append("    ").append(extended ? "protected " : "private ").append(name).append("() {}\n");
        for (HeaderBindings.Typedef typedef : header.typedefs) {
            out.append("\n    /** The layout of the C typedef {@code ").append(typedef.name()).append("}. */\n");
            out.append("    public static final ").append(JavaTypes.layoutClass(typedef.type())).append(' ')
                    .append(typedef.name()).append(" = ").append(JavaTypes.layout(typedef.type())).append(";\n");
        }
        if (!header.constants.isEmpty()) out.append('\n');
        for (HeaderBindings.Constant constant : header.constants) {
            IntValue value = constant.value();
            out.append("    public static final ").append(value.isWide() ? "long " : "int ").append(constant.name())
                    .append(" = ").append(value.isWide() ? value.bits() + "L" : Integer.toString((int) value.bits()))
                    .append(";\n");
        }
        if (!header.functions.isEmpty()) downcallHelper(out);
        for (HeaderBindings.Function function : header.functions) {
            function(out, function);
        }
        out.append("}\n");
        return JavaSource.file(origin, out.toString());
    }

    private static void classDoc(StringBuilder out, HeaderBindings header, String superclass) {
        out.append("/**\n");
        out.append(" * The declarations of {@code ").append(header.header).append("}: ")
                .append(header.functions.size()).append(" functions, ")
                .append(header.constants.size()).append(" integer constants, ")
                .append(header.typedefs.size()).append(" typedef layouts");
        out.append(header.structs.isEmpty() ? "." : "; its structs are the classes "
                + header.structs.stream().map(s -> "{@link " + s.name() + "}").collect(Collectors.joining(", ")) + ".");
        out.append('\n');
        if (superclass != null) {
            out.append(" * It extends {@link ").append(superclass).append("}, so {@code ").append(header.className())
                    .append(".X} also reaches the declarations of every header before it in the chain.\n");
        }
        Map<String, List<String>> skipped = new LinkedHashMap<>();
        for (HeaderBindings.Skipped item : header.skipped) {
            skipped.computeIfAbsent(item.reason(), r -> new ArrayList<>()).add(item.name());
        }
        if (!skipped.isEmpty()) {
            out.append(" *\n * <p>Not bound (").append(header.skipped.size()).append("):\n * <ul>\n");
            for (Map.Entry<String, List<String>> entry : skipped.entrySet()) {
                out.append(" * <li>").append(JavaSource.doc(entry.getKey())).append(": ")
                        .append(entry.getValue().stream().map(n -> "{@code " + n + "}").collect(Collectors.joining(", ")))
                        .append("</li>\n");
            }
            out.append(" * </ul>\n");
        }
        out.append(" */\n");
    }

    /**
     * The handle each holder class keeps. A failure becomes a handle that throws it, so the holder class
     * still initializes and every call, not only the first, reports the same clear error.
     */
    private static void downcallHelper(StringBuilder out) {
        out.append("""

                    // Binding native functions is what this class is for; callers need --enable-native-access.
                    @SuppressWarnings("restricted")
                    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
                        try {
                            Optional<MemorySegment> address = NativeLoader.symbols().find(name);
                            return address.isPresent()
                                    ? Linker.nativeLinker().downcallHandle(address.get(), descriptor)
                                    : throwing(new UnsatisfiedLinkError("unresolved symbol: " + name), descriptor);
                        } catch (NativeLoadException e) {
                            return throwing(e, descriptor);
                        }
                    }

                    private static MethodHandle throwing(Throwable failure, FunctionDescriptor descriptor) {
                        MethodType type = descriptor.toMethodType();
                        MethodHandle thrower = MethodHandles.throwException(type.returnType(), failure.getClass());
                        return MethodHandles.dropArguments(MethodHandles.insertArguments(thrower, 0, failure), 0,
                                type.parameterList());
                    }
                """);
    }

    private static void function(StringBuilder out, HeaderBindings.Function function) {
        String name = function.name();
        boolean returnsStruct = function.returnType() instanceof CType.Record;
        boolean returnsVoid = function.returnType() == CType.Scalar.VOID;
        List<String> layouts = function.parameters().stream().map(p -> JavaTypes.layout(p.type())).toList();
        String descriptor = returnsVoid
                ? "FunctionDescriptor.ofVoid(" + String.join(", ", layouts) + ")"
                : "FunctionDescriptor.of(" + String.join(", ", prepend(JavaTypes.layout(function.returnType()), layouts)) + ")";
        out.append("\n    private static final class ").append(name).append(" {\n");
        out.append("        static final MethodHandle HANDLE = downcall(\"").append(name).append("\", ")
                .append(name).append("$descriptor());\n");
        out.append("    }\n");
        // Linking a downcall costs milliseconds in a cold JVM; the JDK caches the costly part by descriptor, so
        // with the descriptor a caller can do that part ahead, off its own thread, before the library is loaded.
        out.append("\n    /** The signature of {@code ").append(name).append("}. */\n");
        out.append("    public static FunctionDescriptor ").append(name).append("$descriptor() {\n");
        out.append("        return ").append(descriptor).append(";\n");
        out.append("    }\n");

        List<String> parameterNames = new ArrayList<>();
        List<String> declarations = new ArrayList<>();
        if (returnsStruct) {
            parameterNames.add("allocator");
            declarations.add("SegmentAllocator allocator");
        }
        for (int i = 0; i < function.parameters().size(); i++) {
            HeaderBindings.Parameter parameter = function.parameters().get(i);
            String javaName = parameter.name().isEmpty() ? "x" + i : JavaNames.safe(parameter.name());
            if (javaName.equals("allocator")) javaName = "allocator_";
            parameterNames.add(javaName);
            declarations.add(JavaTypes.carrier(parameter.type()) + " " + javaName);
        }
        String carrier = JavaTypes.carrier(function.returnType());
        out.append("\n    /** {@code ").append(function.prototype()).append("} */\n");
        out.append("    public static ").append(carrier).append(' ').append(name)
                .append('(').append(String.join(", ", declarations)).append(") {\n");
        out.append("        MethodHandle mh$ = ").append(name).append(".HANDLE;\n");
        out.append("        try {\n");
        String call = "mh$.invokeExact(" + String.join(", ", parameterNames) + ");";
        out.append("            ").append(returnsVoid ? call : "return (" + carrier + ") " + call).append('\n');
        out.append("""
                        } catch (RuntimeException | Error ex$) {
                            throw ex$;
                        } catch (Throwable ex$) {
                            throw new AssertionError("should not reach here", ex$);
                        }
                    }
                """);
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }
}
