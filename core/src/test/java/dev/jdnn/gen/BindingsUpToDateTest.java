package dev.jdnn.gen;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regenerates the bindings into a temporary directory and compares them, file by file, with the
 * committed src/main/generated: a header change or a generator change must come with regenerated files.
 */
class BindingsUpToDateTest {
    private static final Pattern ONEDNN_ORIGIN = Pattern.compile("from oneDNN (\\S+) headers");
    private static final Pattern OPENMP_ORIGIN = Pattern.compile("\\(omp\\.h, SHA-256 ([0-9a-f]+)\\)");

    @TempDir
    static Path regenerated;
    private static Map<String, String> committed;
    private static Map<String, String> fresh;

    @BeforeAll
    static void regenerate() throws IOException {
        GeneratorInputs.clang();
        Path include = GeneratorInputs.includeDir();
        GeneratorInputs.openMp();
        committed = read(GeneratorInputs.COMMITTED.resolve(BindingGenerator.PACKAGE_PATH));
        String dnnl = committed.getOrDefault("dnnl_h.java", "");
        Matcher version = ONEDNN_ORIGIN.matcher(dnnl);
        assertTrue(version.find(), "the committed dnnl_h.java does not name its oneDNN version; regenerate with "
                + JavaSource.REGENERATE);
        BindingGenerator.generate(include, regenerated, version.group(1));
        fresh = read(regenerated.resolve(BindingGenerator.PACKAGE_PATH));
    }

    @Test
    void oneDnnBindingsMatchTheHeaders() {
        assertSame(file -> !isOpenMp(file));
    }

    @Test
    void openMpBindingsMatchThisMachinesOmpH() {
        Matcher committedHash = OPENMP_ORIGIN.matcher(committed.getOrDefault("omp_h.java", ""));
        Matcher freshHash = OPENMP_ORIGIN.matcher(fresh.get("omp_h.java"));
        assertTrue(freshHash.find(), "the regenerated omp_h.java does not name its omp.h");
        assumeTrue(committedHash.find() && committedHash.group(1).equals(freshHash.group(1)),
                "this machine's omp.h (SHA-256 " + freshHash.group(1) + ") is not the one the committed omp_h.java"
                        + " was generated from, so the OpenMP bindings cannot be compared here");
        assertSame(BindingsUpToDateTest::isOpenMp);
    }

    private static boolean isOpenMp(String content) {
        return content.lines().findFirst().orElse("").contains("(omp.h");
    }

    private static void assertSame(Predicate<String> selected) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> file : fresh.entrySet()) {
            if (!selected.test(file.getValue())) continue;
            String old = committed.get(file.getKey());
            if (old == null) {
                problems.add("missing: " + file.getKey());
            } else if (!old.equals(file.getValue())) {
                problems.add("differs: " + file.getKey() + " " + firstDifference(old, file.getValue()));
            }
        }
        for (Map.Entry<String, String> file : committed.entrySet()) {
            if (selected.test(file.getValue()) && !fresh.containsKey(file.getKey())) {
                problems.add("extra (no longer generated): " + file.getKey());
            }
        }
        assertTrue(problems.isEmpty(), "src/main/generated is out of date; regenerate with " + JavaSource.REGENERATE
                + "\n" + String.join("\n", problems));
    }

    private static String firstDifference(String committedText, String freshText) {
        List<String> a = committedText.lines().toList();
        List<String> b = freshText.lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String left = i < a.size() ? a.get(i) : "<end of file>";
            String right = i < b.size() ? b.get(i) : "<end of file>";
            if (!left.equals(right)) return "at line " + (i + 1) + ": committed '" + left + "', regenerated '" + right + "'";
        }
        return "in line endings";
    }

    private static Map<String, String> read(Path directory) throws IOException {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(directory)) return files;
        try (Stream<Path> list = Files.list(directory)) {
            for (Path file : list.filter(p -> p.toString().endsWith(".java")).toList()) {
                files.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return files;
    }
}
