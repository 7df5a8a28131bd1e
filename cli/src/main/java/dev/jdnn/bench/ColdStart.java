package dev.jdnn.bench;

import dev.jdnn.SimpleCNN;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * W1's {@code cold_start_ms}: from starting a JVM to the first prediction of a model loaded from a file,
 * measured on child JVMs with this process's class path. The native library is already extracted (this
 * process loaded it into the same cache), so the figure is JVM start + load + compile + first call.
 * <p>Measured twice: as a plain JVM starts ({@code cold_start_ms}), and with a JDK AOT cache (JEP 483/514/515,
 * {@code -XX:AOTCache}) that one untimed training run of the same child recorded ({@code cold_start_aot_ms}):
 * the classes loaded and linked, and method profiles, of a start-up like this one. Each is the median of
 * {@code runs} children.
 */
public final class ColdStart {
    /**
     * The figures in milliseconds (null when not measured) and a note saying how, or why not.
     *
     * @param millis    median without an AOT cache
     * @param aotMillis median with an AOT cache recorded by a training run
     */
    public record Result(Double millis, Double aotMillis, String note) {}

    private static final String DONE = "first-prediction-at-ms=";

    private ColdStart() {}

    /** Measures {@code runs} children without and {@code runs} with an AOT cache; {@code model} must be fitted. */
    public static Result measure(SimpleCNN model, int runs) {
        if (runs < 1) throw new IllegalArgumentException("runs must be >= 1, got " + runs);
        Path folder = null;
        try {
            folder = Files.createTempDirectory("jdnn-cold-start");
            Path file = folder.resolve("w1.jdnn");
            model.save(file);
            Child plain = median(file, runs, List.of());
            Path cache = folder.resolve("cold-start.aot");
            Child aot = withAotCache(file, cache, runs);
            String note = "cold start: JVM start to the first prediction of a W1 model loaded from a file (load +"
                    + " compile + one batch-1 call), native library already extracted, median of " + runs
                    + " child JVM(s); cold_start_ms "
                    + (plain.failed() ? "not measured: " + plain.failure() : "without an AOT cache")
                    + "; cold_start_aot_ms " + (aot.failed() ? "not measured: " + aot.failure()
                    : String.format(Locale.ROOT, "with a JDK AOT cache (-XX:AOTCache, %.0f MB) recorded by one"
                            + " untimed training run of the same child", Files.size(cache) / 1e6));
            return new Result(plain.millis(), aot.millis(), note);
        } catch (IOException e) {
            return new Result(null, null, "cold_start_ms not measured: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(null, null, "cold_start_ms not measured: interrupted");
        } finally {
            deleteQuietly(folder);
        }
    }

    /** A child's milliseconds from launch to first prediction (or a median of them), or why it failed. */
    private record Child(Double millis, String failure) {
        boolean failed() {
            return millis == null;
        }
    }

    private static Child withAotCache(Path file, Path cache, int runs) throws IOException, InterruptedException {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Files.isDirectory(Path.of(entry))) {
                return new Child(null, "the class path holds the folder " + entry + ", which an AOT cache cannot"
                        + " (run the packaged jars, as bin/jdnn does)");
            }
        }
        Child training = child(file, List.of("-XX:AOTCacheOutput=" + cache));
        if (training.failed() || !Files.isRegularFile(cache)) {
            return new Child(null, "the AOT training run made no cache: "
                    + (training.failed() ? training.failure() : "no file " + cache));
        }
        // AOTMode=on: a cache the JVM cannot use is an error, not a silent plain start.
        return median(file, runs, List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on"));
    }

    private static Child median(Path file, int runs, List<String> options) throws IOException, InterruptedException {
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            Child one = child(file, options);
            if (one.failed()) return one;
            millis[i] = one.millis();
        }
        Arrays.sort(millis);
        return new Child(runs % 2 == 1 ? millis[runs / 2] : (millis[runs / 2 - 1] + millis[runs / 2]) / 2, null);
    }

    private static Child child(Path file, List<String> options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ColdStart.class.getName(), file.toString()));
        long start = System.currentTimeMillis();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0 || !output.contains(DONE)) {
            return new Child(null, "the child JVM " + String.join(" ", options) + " failed: " + output.strip());
        }
        // An AOT training run prints its own lines after the child's.
        String done = output.substring(output.indexOf(DONE) + DONE.length()).lines().findFirst().orElseThrow();
        return new Child((double) (Long.parseLong(done.strip()) - start), null);
    }

    private static void deleteQuietly(Path folder) {
        if (folder == null) return;
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temporary folder left behind is not worth failing the benchmark for
        }
    }

    /** The child: load, compile, predict one image, print the wall-clock time of that first prediction. */
    public static void main(String[] args) throws IOException {
        try (SimpleCNN model = SimpleCNN.load(Path.of(args[0]));
             CompiledModel compiled = CompiledModel.of(model, 1);
             Predictor predictor = compiled.newPredictor()) {
            float[] image = new float[compiled.imageSize()];
            float[] logits = new float[compiled.outputSize()];
            predictor.predict(image, logits);
            System.out.println(DONE + System.currentTimeMillis());
        }
    }
}
