package dev.jdnn.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model or checkpoint file that jdnn refuses to read: truncated, of another format or version, failing its
 * checksum, or holding a header or tensors that do not fit together. The message names the file and the problem.
 */
public final class ModelFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public ModelFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
