package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks that a README code block holds, verbatim, the lines a test compiles and runs between the markers
 * {@code // README <name>: begin} and {@code // README <name>: end} (indented by 8 in the test).
 */
public final class ReadmeSnippet {
    private static final String INDENT = " ".repeat(8);

    private ReadmeSnippet() {}

    /** Compares the snippet {@code name} of {@code source} with the first java block after README's {@code heading}. */
    public static void assertReadmeHolds(Path source, String name, String heading) throws IOException {
        List<String> lines = Files.readAllLines(source);
        List<String> snippet = lines.subList(indexOf(lines, "// README " + name + ": begin") + 1,
                        indexOf(lines, "// README " + name + ": end")).stream()
                .map(line -> {
                    assertTrue(line.isEmpty() || line.startsWith(INDENT), "not indented by 8: " + line);
                    return line.isEmpty() ? line : line.substring(INDENT.length());
                }).toList();
        List<String> readme = Files.readAllLines(repositoryRoot().resolve("README.md"));
        int start = indexOf(readme, heading);
        int open = start + readme.subList(start, readme.size()).indexOf("```java");
        int close = open + readme.subList(open, readme.size()).indexOf("```");
        assertEquals(String.join("\n", snippet), String.join("\n", readme.subList(open + 1, close)),
                "README.md's " + name + " snippet differs from " + source + ": edit both");
    }

    /** The checkout's root folder, which Maven names in jdnn.test.root (the tests run in their module's folder). */
    public static Path repositoryRoot() {
        String root = System.getProperty("jdnn.test.root");
        if (root == null) throw new IllegalStateException("system property jdnn.test.root is not set; run the tests through Maven");
        return Path.of(root);
    }

    private static int indexOf(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).strip().equals(marker)) return i;
        throw new AssertionError("no line '" + marker + "'");
    }
}
