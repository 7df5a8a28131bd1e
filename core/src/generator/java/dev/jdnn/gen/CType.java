package dev.jdnn.gen;

/**
 * A C type reduced to what the bindings need: which Java carrier passes it and which memory layout
 * describes it. Qualifiers, signedness and typedef names are gone: Java has no unsigned carriers, and
 * FFM layouts are identical for signed and unsigned integers of one size.
 */
sealed interface CType {
    /** The C integer and floating-point types of the LP64 data model, and void. */
    enum Scalar implements CType {
        VOID(0), BOOL(1), CHAR(1), SHORT(2), INT(4), LONG(8), FLOAT(4), DOUBLE(8);

        private final long size;

        Scalar(long size) {
            this.size = size;
        }

        long size() {
            return size;
        }
    }

    /** Any data or function pointer: Java sees every one as a MemorySegment. */
    record Pointer(CType target) implements CType {}

    /** A fixed-size array; only struct fields keep this type, parameters decay to pointers. */
    record Array(CType element, long length) implements CType {}

    /** A function type; only ever seen behind a pointer. */
    record Function() implements CType {}

    /** A struct or union with a definition, named by its tag or by the typedef that names it. */
    record Record(String name) implements CType {}
}
