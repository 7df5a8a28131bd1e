package dev.jdnn.gen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * GCC's omp.h, the header of the libgomp that jdnn ships next to libdnnl. Its content differs between
 * GCC releases, so the generated class names the header by a hash of its content.
 */
record OpenMpHeader(Path path, String sha256) {
    /** The omp.h of the gcc on PATH, as {@code gcc -print-file-name=include/omp.h} names it. */
    static OpenMpHeader locate() throws IOException {
        Process process = new ProcessBuilder("gcc", "-print-file-name=include/omp.h")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        process.getOutputStream().close();
        String printed;
        try (InputStream in = process.getInputStream()) {
            printed = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking gcc for omp.h", e);
        }
        Path path = Path.of(printed);
        if (!path.isAbsolute() || !Files.isRegularFile(path)) {
            throw new IOException("gcc does not know an omp.h (gcc -print-file-name=include/omp.h printed '"
                    + printed + "'); install gcc with libgomp's development files");
        }
        return new OpenMpHeader(path, sha256(path));
    }

    /** The first 16 hex digits of the header's SHA-256: enough to tell two omp.h apart. */
    String shortHash() {
        return sha256.substring(0, 16);
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
