package dev.jdnn.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts {@link LoaderProbe} (or another main class) in a fresh JVM, so each gets a fresh loader. */
final class ChildJvm {
    record Result(int exitCode, String output) {}

    private ChildJvm() {}

    /**
     * {@link LoaderProbe} with this test's class path, its cache in {@code cacheDir} (given as the system property
     * jdnn.cacheDir; null for none, so that the default applies).
     */
    static Process start(Path cacheDir, Map<String, String> properties, Map<String, String> env) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path")));
        if (cacheDir != null) arguments.add("-D" + CacheFolder.PROPERTY + "=" + cacheDir);
        properties.forEach((k, v) -> arguments.add("-D" + k + "=" + v));
        arguments.add(LoaderProbe.class.getName());
        return java(arguments, env);
    }

    /**
     * This JDK's java with {@code arguments} (options, then the main class), standard error merged into the output;
     * the environment variables that choose the library or the cache are removed, then {@code env} is added.
     */
    static Process java(List<String> arguments, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove(NativeLoader.LIBRARY_ENV);
        builder.environment().remove(CacheFolder.ENV);
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
