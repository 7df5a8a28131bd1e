package dev.jdnn.gen;

/** A macro body or initializer is not an integer constant expression the generator can evaluate. */
final class NotConstantException extends Exception {
    private static final long serialVersionUID = 1L;

    NotConstantException(String message) {
        super(message);
    }
}
