package dev.jdnn.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.SimpleCNN;
import dev.jdnn.onnx.OnnxExport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime 1.29's Java API on the same model as jdnn: an ONNX file, or a jdnn model exported by
 * {@link OnnxExport} (batch norm folded, the function jdnn's compiled model computes) to a temporary file, measured
 * by the peer program
 * bench/peers/onnxruntime, which {@code bench/run-onnxruntime.sh} of the jdnn checkout builds and runs in a JVM of
 * its own (this process's JDK): ONNX Runtime is never on jdnn's class path. Its progress goes to this process's
 * standard error.
 */
public final class OnnxRuntimeReference {
    /** The script, relative to the root of a jdnn checkout. */
    static final Path SCRIPT = Path.of("bench", "run-onnxruntime.sh");

    private OnnxRuntimeReference() {}

    /**
     * The peer's figures for {@code model} (fitted, W1's input and output): W1's inference keys, measured as jdnn's
     * are, {@code quick} as jdnn's quick run shortens them.
     *
     * @throws IllegalStateException if the script is not found or fails
     */
    public static Map<String, Object> run(SimpleCNN model, boolean quick) throws IOException, InterruptedException {
        Path folder = Files.createTempDirectory("jdnn-onnxruntime");
        Path file = folder.resolve("w1.onnx");
        try {
            OnnxExport.write(model, file, OnnxExport.BatchNormMode.FOLDED);
            List<String> arguments = new ArrayList<>(List.of(file.toString()));
            if (quick) arguments.add("--quick");
            return runScript(arguments);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(folder);
        }
    }

    /**
     * The peer's figures for the ONNX file {@code onnx} (one input N x C x H x W of {@code imageShape}, one output
     * N x K), measured by its OrtModel program with the counts in {@code arguments} (its options {@code --b1} and
     * {@code --throughput}): {@code b1_*}, {@code b<BATCH>_ips} and {@code check_outputs}, the outputs of image 0.
     *
     * @throws IllegalStateException if the script is not found or fails
     */
    public static Map<String, Object> runModel(Path onnx, long[] imageShape, List<String> arguments)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--model", onnx.toAbsolutePath().toString(),
                imageShape[0] + "," + imageShape[1] + "," + imageShape[2]));
        all.addAll(arguments);
        return runScript(all);
    }

    /** Runs the script with {@code arguments} and returns the JSON object of the last line it prints. */
    private static Map<String, Object> runScript(List<String> arguments) throws IOException, InterruptedException {
        Path script = NativeReference.locateScript(SCRIPT, "--compare-onnxruntime");
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        String json = null;
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("{")) json = line;
            }
        }
        int status = process.waitFor();
        if (status != 0 || json == null) {
            throw new IllegalStateException(script + " " + String.join(" ", arguments) + (status != 0
                    ? " exited with status " + status : " printed no JSON line")
                    + " (its messages are above, on standard error)");
        }
        return new ObjectMapper().readValue(json, new TypeReference<Map<String, Object>>() {});
    }
}
