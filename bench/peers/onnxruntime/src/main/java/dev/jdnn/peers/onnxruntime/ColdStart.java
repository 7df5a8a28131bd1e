package dev.jdnn.peers.onnxruntime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code cold_start_ms}: from starting a JVM to its first prediction of the ONNX file ({@link FirstPrediction}),
 * median of child JVMs with this process's class path and the JVM options jdnn's cold-start children get. Taken
 * two ways: with ONNX Runtime's native libraries already extracted to a folder ({@code onnxruntime.native.path}),
 * as jdnn's figure is taken with its library already in its cache; and as ORT starts by default, extracting its
 * libraries from the jar to a temporary folder at every start ({@code cold_start_default_ms}).
 */
final class ColdStart {
    /** Medians in milliseconds, null when not measured, and how they were taken. */
    record Result(Double millis, Double defaultMillis, String note) {}

    private ColdStart() {}

    static Result measure(Path model, int runs) throws IOException, InterruptedException {
        Path libraries = Files.createTempDirectory("jdnn-ort-native");
        try {
            String extracted = extract(libraries);
            Double millis = extracted == null ? median(model, runs, List.of("-Donnxruntime.native.path=" + libraries))
                    : null;
            Double defaultMillis = median(model, runs, List.of());
            String note = "ORT cold start: child JVM start to the first prediction of the .onnx file (1-thread session"
                    + " + one batch-1 call), median of " + runs + " child JVM(s); cold_start_ms "
                    + (extracted == null ? "with ORT's libraries extracted beforehand (onnxruntime.native.path)"
                    : "not measured: " + extracted)
                    + "; cold_start_default_ms as ORT starts by default, extracting its libraries to a temporary folder";
            return new Result(millis, defaultMillis, note);
        } finally {
            try (var files = Files.list(libraries)) {
                for (Path file : files.toList()) Files.deleteIfExists(file);
            }
            Files.deleteIfExists(libraries);
        }
    }

    /** Copies ORT's libraries for this platform out of its jar into {@code folder}; null, or why it cannot. */
    private static String extract(Path folder) throws IOException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String platform = (os.contains("linux") ? "linux" : os.contains("mac") ? "osx" : "win") + "-"
                + (arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch);
        for (String library : List.of("onnxruntime", "onnxruntime4j_jni")) {
            String file = System.mapLibraryName(library);
            try (InputStream in = ColdStart.class.getResourceAsStream("/ai/onnxruntime/native/" + platform + "/" + file)) {
                if (in == null) return "no " + file + " for " + platform + " in ORT's jar";
                Files.copy(in, folder.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return null;
    }

    private static Double median(Path model, int runs, List<String> options) throws IOException, InterruptedException {
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) millis[i] = child(model, options);
        Arrays.sort(millis);
        return runs % 2 == 1 ? millis[runs / 2] : (millis[runs / 2 - 1] + millis[runs / 2]) / 2;
    }

    private static double child(Path model, List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FirstPrediction.class.getName(),
                model.toString()));
        long start = System.currentTimeMillis();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int at = output.indexOf(FirstPrediction.DONE);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0 || at < 0) {
            throw new IllegalStateException("the cold-start child " + String.join(" ", options) + " failed: "
                    + output.strip());
        }
        String done = output.substring(at + FirstPrediction.DONE.length()).lines().findFirst().orElseThrow();
        return Long.parseLong(done.strip()) - start;
    }
}
