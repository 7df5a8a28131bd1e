package dev.jdnn.gen;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs clang and hands its standard output to a reader as a stream, while clang runs. */
final class Clang {
    /** Reads clang's standard output. */
    interface OutputReader<T> {
        T read(InputStream output) throws IOException;
    }

    private final String executable;

    Clang(String executable) {
        this.executable = executable;
    }

    /** The first clang on PATH, or empty when there is none. */
    static Optional<Clang> onPath() {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String directory : path.split(File.pathSeparator)) {
            for (String name : List.of("clang", "clang.exe")) {
                Path candidate = Path.of(directory, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(new Clang(candidate.toString()));
                }
            }
        }
        return Optional.empty();
    }

    /** Runs clang with the arguments; fails with clang's diagnostics if it exits with an error. */
    <T> T run(List<String> arguments, OutputReader<T> reader) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(arguments);
        // Diagnostics go to a file so that a chatty stderr can never block clang's stdout.
        Path diagnostics = Files.createTempFile("jdnn-clang-", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectError(diagnostics.toFile()).start();
            process.getOutputStream().close();
            T result;
            try (InputStream output = process.getInputStream()) {
                result = reader.read(output);
                output.transferTo(OutputStream.nullOutputStream());
            }
            int exit = waitFor(process);
            if (exit != 0) {
                throw new IOException(String.join(" ", command) + " failed with exit code " + exit + ":\n"
                        + Files.readString(diagnostics, StandardCharsets.UTF_8));
            }
            return result;
        } finally {
            Files.deleteIfExists(diagnostics);
        }
    }

    private static int waitFor(Process process) throws IOException {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for clang", e);
        }
    }
}
