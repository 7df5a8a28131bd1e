package dev.jdnn.internal.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a path names, asked by every reader of a path a user names before it opens it (issue 20): only a regular
 * file is read. Opening a FIFO for reading blocks until a writer comes, for ever if none does; a device such as
 * {@code /dev/zero} can be read without end; a folder opens on Linux and fails only at the first read, with a
 * message that names nothing. Each reader turns any other kind into its own typed exception. A path that becomes a
 * FIFO between the check and the open is not covered: that takes a hostile writer on the same machine.
 */
public enum FileKind {
    REGULAR_FILE("a regular file"),
    FOLDER("a folder"),
    FIFO("a FIFO (named pipe)"),
    CHARACTER_DEVICE("a character device"),
    BLOCK_DEVICE("a block device"),
    SOCKET("a socket"),
    OTHER("a special file");

    // The file type bits of st_mode (sys/stat.h), which the unix:mode attribute carries.
    private static final int TYPE_MASK = 0170000;

    private final String description;

    FileKind(String description) {
        this.description = description;
    }

    /**
     * The kind of {@code file}, following links.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException if its attributes cannot be read
     */
    public static FileKind of(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (attributes.isRegularFile()) return REGULAR_FILE;
        if (attributes.isDirectory()) return FOLDER;
        int mode;
        try {
            mode = (Integer) Files.getAttribute(file, "unix:mode");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return OTHER; // no unix view (Windows): the kind cannot be named
        }
        return switch (mode & TYPE_MASK) {
            case 0010000 -> FIFO;
            case 0020000 -> CHARACTER_DEVICE;
            case 0060000 -> BLOCK_DEVICE;
            case 0140000 -> SOCKET;
            default -> OTHER;
        };
    }

    /** How messages name it: "a FIFO (named pipe)". */
    public String description() {
        return description;
    }

    /** The end of a refusal's message: "a FIFO (named pipe), not a regular file". */
    public String notRegular() {
        return description + ", not a regular file";
    }
}
