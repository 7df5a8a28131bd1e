package dev.jdnn.runtime;

/** The native oneDNN library could not be found, extracted, verified or loaded. */
public final class NativeLoadException extends RuntimeException {
    public NativeLoadException(String message) {
        super(message);
    }

    public NativeLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
