package dev.jdnn.gen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Generates jdnn's FFM bindings, {@code dev.jdnn.internal.ffi}, from oneDNN's C headers and GCC's omp.h,
 * in the shape jextract gives them. Clang parses the headers ({@code -ast-dump=json} for declarations,
 * {@code -E -dD} for macros); nothing is typed by hand. Run it with
 * {@value JavaSource#REGENERATE}.
 */
public final class BindingGenerator {
    /**
     * The oneDNN headers bound, each including only headers listed before it. Each header's class
     * extends the class of the header before it, so {@code dnnl_h.X} reaches every declaration.
     */
    static final List<String> ONEDNN_HEADERS = List.of(
            "dnnl_config.h", "dnnl_version.h", "dnnl_common_types.h", "dnnl_common.h", "dnnl_types.h", "dnnl.h");
    static final String OPENMP_HEADER = "omp.h";
    /** Where the generated package lies under the output root. */
    static final Path PACKAGE_PATH = Path.of("dev", "jdnn", "internal", "ffi");

    private BindingGenerator() {}

    /** Arguments: the oneDNN include directory, the output source root, the oneDNN version. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("expected 3 arguments, <includeDir> <outputSourceRoot> <onednnVersion>,"
                    + " got " + args.length);
        }
        int count = generate(Path.of(args[0]), Path.of(args[1]), args[2]);
        System.out.println("BindingGenerator: wrote " + count + " files to " + Path.of(args[1]).resolve(PACKAGE_PATH));
    }

    /**
     * Regenerates every binding file under {@code outputRoot}, deleting generated files that are no
     * longer produced; returns the number of files written.
     */
    public static int generate(Path includeDir, Path outputRoot, String version) throws IOException {
        Map<String, String> files = sources(includeDir, version);
        Path directory = outputRoot.resolve(PACKAGE_PATH);
        Files.createDirectories(directory);
        try (Stream<Path> existing = Files.list(directory)) {
            for (Path stale : existing.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (!files.containsKey(stale.getFileName().toString())) Files.delete(stale);
            }
        }
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(directory.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
        return files.size();
    }

    /** Every generated file, by file name. */
    static Map<String, String> sources(Path includeDir, String version) throws IOException {
        Clang clang = Clang.onPath().orElseThrow(() -> new IOException(
                "clang is not on PATH; the binding generator needs it (apt-get install clang)"));
        Path dnnl = includeDir.resolve("oneapi").resolve("dnnl").resolve("dnnl.h");
        if (!Files.isRegularFile(dnnl)) {
            throw new IOException(dnnl + " does not exist: the include directory must hold oneapi/dnnl/dnnl.h"
                    + " (run mvn -B generate-resources to unpack oneDNN)");
        }
        Map<String, String> files = new TreeMap<>();
        List<String> arguments = List.of("-I" + includeDir, dnnl.toString());
        Map<String, HeaderBindings> onednn = BindingsBuilder.build(
                AstReader.read(clang, arguments), MacroReader.read(clang, arguments), ONEDNN_HEADERS);
        String superclass = null;
        for (int i = 0; i < ONEDNN_HEADERS.size(); i++) {
            HeaderBindings header = onednn.get(ONEDNN_HEADERS.get(i));
            String origin = "oneDNN " + version + " headers (" + header.header + ")";
            boolean extended = i + 1 < ONEDNN_HEADERS.size();
            addHeader(files, header, origin, superclass, extended);
            superclass = header.className();
        }

        OpenMpHeader omp = OpenMpHeader.locate();
        // GCC's omp.h writes __attribute__((__malloc__(omp_free))), which clang rejects; this removes
        // only the form with an argument, so the plain __malloc__ attribute stays.
        List<String> ompArguments = new ArrayList<>(List.of("-D__malloc__(...)=", omp.path().toString()));
        Map<String, HeaderBindings> openmp = BindingsBuilder.build(
                AstReader.read(clang, ompArguments), MacroReader.read(clang, ompArguments), List.of(OPENMP_HEADER));
        String ompOrigin = "GCC's OpenMP header (omp.h, SHA-256 " + omp.shortHash() + ")";
        addHeader(files, openmp.get(OPENMP_HEADER), ompOrigin, null, false);
        return files;
    }

    private static void addHeader(Map<String, String> files, HeaderBindings header, String origin, String superclass,
            boolean extended) {
        files.put(header.className() + ".java", HeaderClassWriter.write(header, origin, superclass, extended));
        for (RecordLayout record : header.structs) {
            files.put(record.name() + ".java", StructClassWriter.write(record, origin, header.header));
        }
    }
}
