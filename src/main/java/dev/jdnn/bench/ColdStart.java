package dev.jdnn.bench;

import dev.jdnn.SimpleCNN;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * W1's {@code cold_start_ms}: from starting a JVM to the first prediction of a model loaded from a file,
 * measured on a child JVM with this process's class path. The native library is already extracted (this
 * process loaded it into the same cache), so the figure is JVM start + load + compile + first call.
 */
public final class ColdStart {
    /** The figure in milliseconds (null when not measured) and a note saying how, or why not. */
    public record Result(Double millis, String note) {}

    private static final String DONE = "first-prediction-at-ms=";

    private ColdStart() {}

    public static Result measure(SimpleCNN model) {
        try {
            Path file = Files.createTempFile("jdnn-cold-start", ".jdnn");
            try {
                model.save(file);
                long start = System.currentTimeMillis();
                Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        ColdStart.class.getName(), file.toString())).redirectErrorStream(true).start();
                String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!child.waitFor(5, TimeUnit.MINUTES) || child.exitValue() != 0 || !output.contains(DONE)) {
                    return new Result(null, "cold_start_ms not measured: the child JVM failed: " + output.strip());
                }
                long done = Long.parseLong(output.substring(output.indexOf(DONE) + DONE.length()).strip());
                return new Result((double) (done - start), "cold_start_ms: JVM start to the first prediction of a W1"
                        + " model loaded from a file (load + compile + one batch-1 call), native library already extracted");
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            return new Result(null, "cold_start_ms not measured: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(null, "cold_start_ms not measured: interrupted");
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
