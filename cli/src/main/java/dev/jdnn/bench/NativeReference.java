package dev.jdnn.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The C++ oneDNN reference of W1 (native/w1ref), built and run by {@code bench/run-c-reference.sh} of the
 * jdnn checkout: its figures, merged from the JSON line each mode prints. Its progress goes to this
 * process's standard error.
 */
public final class NativeReference {
    /** The script, relative to the root of a jdnn checkout. */
    static final Path SCRIPT = Path.of("bench", "run-c-reference.sh");

    private NativeReference() {}

    /**
     * Runs the reference's {@code modes} (e.g. infer, train) and returns their figures in one map.
     *
     * @throws IllegalStateException if the script is not found or fails
     */
    public static Map<String, Object> run(List<String> modes) throws IOException, InterruptedException {
        Path script = locateScript(SCRIPT, "--compare-native");
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(modes);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<String, Object> figures = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("{")) figures.putAll(json.readValue(line, new TypeReference<Map<String, Object>>() {}));
            }
        }
        int status = process.waitFor();
        if (status != 0) {
            throw new IllegalStateException(script + " " + String.join(" ", modes) + " exited with status " + status
                    + " (its messages are above, on standard error)");
        }
        return figures;
    }

    /**
     * {@code script} (relative to the root of a jdnn checkout) in the checkout that holds jdnn's classes or jar, else
     * above the working directory.
     *
     * @throws IllegalStateException naming {@code option}, which needs a checkout, if there is none
     */
    static Path locateScript(Path script, String option) {
        List<Path> starts = new ArrayList<>();
        CodeSource code = NativeReference.class.getProtectionDomain().getCodeSource();
        if (code != null) {
            try {
                starts.add(Path.of(code.getLocation().toURI()));
            } catch (URISyntaxException e) {
                // not a file location: the working directory is the only place to look
            }
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve(script))) return dir.resolve(script);
            }
        }
        throw new IllegalStateException(script + " not found above " + starts + ": " + option
                + " needs a jdnn checkout");
    }
}
