package dev.jdnn.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file atomically: the bytes go to a temporary file in the target's folder, which is forced to disk and
 * then renamed over the target, so a reader sees the old file or the new one, never a part. Model files and ONNX
 * exports are both written this way.
 */
public final class AtomicFile {
    /** What goes into the file, written to a channel positioned at its start. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFile() {}

    /**
     * Writes {@code contents} to {@code file}, replacing any file there only once all of it is on disk.
     *
     * @throws FileSystemException if {@code file} is a folder
     * @throws IOException if the file cannot be written; the previous file at {@code file}, if any, is unchanged
     *     and the temporary file is removed
     */
    public static void write(Path file, Contents contents) throws IOException {
        Path target = file.toAbsolutePath();
        // Caught here because the rename would fail only after the whole file was written, naming the temporary file.
        if (Files.isDirectory(target)) throw new FileSystemException(file.toString(), null, "a folder, not a file to write to");
        Path folder = target.getParent();
        Path temporary = folder.resolve("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                contents.writeTo(channel);
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        syncFolder(folder);
    }

    /** Forces the rename itself to disk; some platforms cannot open a folder, and there the rename must do. */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; the file itself was forced before the rename.
        }
    }
}
