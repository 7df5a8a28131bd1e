package dev.jdnn.gen;

/** A declaration uses a C type the bindings cannot express; the declaration is skipped and listed. */
final class UnsupportedTypeException extends Exception {
    private static final long serialVersionUID = 1L;

    UnsupportedTypeException(String message) {
        super(message);
    }
}
