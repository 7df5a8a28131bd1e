package dev.jdnn.data;

import java.io.IOException;
import java.io.Serial;

/**
 * A data file or folder is malformed: its message starts with the source (a file, folder or resource name)
 * followed by what is wrong with it. It is an {@link IOException} so that callers handle "cannot read" and
 * "read but invalid" in one place.
 */
public final class DataFormatException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String problem;

    /** A problem with {@code source}; the message is {@code source + ": " + problem}. */
    public DataFormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
        this.problem = problem;
    }

    /** A problem with {@code source} found through {@code cause}, such as a decoder's exception. */
    public DataFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
        this.problem = problem;
    }

    /** The file, folder or resource that is malformed. */
    public String source() {
        return source;
    }

    /** What is wrong with it, without the source. */
    public String problem() {
        return problem;
    }
}
