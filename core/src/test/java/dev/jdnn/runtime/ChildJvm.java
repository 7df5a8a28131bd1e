package dev.jdnn.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts {@link LoaderProbe} in a fresh JVM with this test's class path, so each gets a fresh loader. */
final class ChildJvm {
    record Result(int exitCode, String output) {}

    private ChildJvm() {}

    static Process start(Path cacheDir, Map<String, String> properties, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "-Djdnn.cacheDir=" + cacheDir));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add(LoaderProbe.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove(NativeLoader.LIBRARY_ENV);
        builder.environment().putAll(env);
        return builder.start();
    }

    static Result await(Process process) throws IOException, InterruptedException {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not finish: " + output);
        }
        return new Result(process.exitValue(), output);
    }

    static Result run(Path cacheDir, Map<String, String> properties, Map<String, String> env)
            throws IOException, InterruptedException {
        return await(start(cacheDir, properties, env));
    }
}
