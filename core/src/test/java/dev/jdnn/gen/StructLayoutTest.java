package dev.jdnn.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.StructLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles a C program that prints sizeof, _Alignof and offsetof for every struct class and typedef
 * layout in the generated package, and compares them with the layouts the generated classes build.
 */
class StructLayoutTest {
    private static final String PACKAGE = "dev.jdnn.internal.ffi";

    @Test
    void everyGeneratedLayoutMatchesClang(@TempDir Path work) throws Exception {
        Clang clang = GeneratorInputs.clang();
        Path include = GeneratorInputs.includeDir();
        OpenMpHeader omp = GeneratorInputs.openMp();
        Path dnnl = include.resolve("oneapi/dnnl/dnnl.h");
        // Typedef names and struct tags are spelled differently in C, so ask the headers which is which.
        Declarations onednnNames = new Declarations(AstReader.read(clang, List.of("-I" + include, dnnl.toString())));
        Declarations ompNames = new Declarations(AstReader.read(clang, List.of("-D__malloc__(...)=", omp.path().toString())));

        Map<String, String> expected = new LinkedHashMap<>();
        StringBuilder c = new StringBuilder();
        c.append("#include <stddef.h>\n#include <stdio.h>\n#include \"oneapi/dnnl/dnnl.h\"\n#include \"")
                .append(omp.path()).append("\"\nint main(void) {\n");
        int structs = 0;
        for (Class<?> type : generatedClasses()) {
            if (type.getSimpleName().endsWith("_h")) {
                for (Field field : type.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers()) && MemoryLayout.class.isAssignableFrom(field.getType())) {
                        MemoryLayout layout = (MemoryLayout) field.get(null);
                        String name = field.getName();
                        c.append("printf(\"typedef ").append(name).append(" %zu %zu\\n\", sizeof(").append(name)
                                .append("), _Alignof(").append(name).append("));\n");
                        expected.put("typedef " + name, layout.byteSize() + " " + layout.byteAlignment());
                    }
                }
                continue;
            }
            structs++;
            GroupLayout layout = (GroupLayout) type.getMethod("layout").invoke(null);
            String name = type.getSimpleName();
            Declarations names = name.startsWith("omp_") ? ompNames : onednnNames;
            String spelled = names.typedefTarget(name).isPresent() ? name : "struct " + name;
            c.append("printf(\"struct ").append(name).append(" %zu %zu\\n\", sizeof(").append(spelled)
                    .append("), _Alignof(").append(spelled).append("));\n");
            expected.put("struct " + name, layout.byteSize() + " " + layout.byteAlignment());
            long memberOffset = 0;
            for (MemoryLayout member : layout.memberLayouts()) {
                if (!(member instanceof PaddingLayout)) {
                    String field = member.name().orElseThrow();
                    c.append("printf(\"field ").append(name).append('.').append(field).append(" %zu %zu\\n\", offsetof(")
                            .append(spelled).append(", ").append(field).append("), sizeof(((").append(spelled)
                            .append(" *)0)->").append(field).append("));\n");
                    long offset = layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
                    if (layout instanceof StructLayout) {
                        assertEquals(memberOffset, offset, "byteOffset of " + name + "." + field);
                    }
                    expected.put("field " + name + "." + field, offset + " " + member.byteSize());
                }
                memberOffset += member.byteSize();
            }
        }
        c.append("return 0;\n}\n");
        assertTrue(structs >= 6, "only " + structs + " struct classes found in " + PACKAGE);

        Map<String, String> actual = compileAndRun(clang, include, work, c.toString());
        List<String> mismatches = new ArrayList<>();
        for (Map.Entry<String, String> entry : expected.entrySet()) {
            String clangSays = actual.get(entry.getKey());
            if (!entry.getValue().equals(clangSays)) {
                mismatches.add(entry.getKey() + ": Java " + entry.getValue() + ", clang " + clangSays);
            }
        }
        assertTrue(mismatches.isEmpty(), mismatches.size() + " of " + expected.size()
                + " sizes/alignments/offsets differ from clang's:\n" + String.join("\n", mismatches));
    }

    private static Map<String, String> compileAndRun(Clang clang, Path include, Path work, String program)
            throws IOException, InterruptedException {
        Path source = work.resolve("layouts.c");
        Path binary = work.resolve("layouts");
        Files.writeString(source, program, StandardCharsets.UTF_8);
        clang.run(List.of("-x", "c", "-D__malloc__(...)=", "-I" + include, "-o", binary.toString(), source.toString()),
                output -> output.transferTo(OutputStream.nullOutputStream()));
        Process process = new ProcessBuilder(binary.toString()).redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "exit code of the layout program; it printed:\n" + printed);
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : printed.split("\n")) {
            String[] parts = line.split(" ");
            if (parts.length == 4) lines.put(parts[0] + " " + parts[1], parts[2] + " " + parts[3]);
        }
        return lines;
    }

    /** The top-level classes of the generated package, found where surefire says the classes are. */
    private static List<Class<?>> generatedClasses() throws IOException, ClassNotFoundException {
        Path classes = Path.of(System.getProperty("jdnn.test.classes", "target/classes"))
                .resolve(PACKAGE.replace('.', '/'));
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(classes)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    found.add(Class.forName(PACKAGE + "." + name.substring(0, name.length() - ".class".length())));
                }
            }
        }
        return found;
    }
}
