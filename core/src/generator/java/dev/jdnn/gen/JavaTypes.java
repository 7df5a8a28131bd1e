package dev.jdnn.gen;

/**
 * How C types appear in Java: the carrier type of a value, and the FFM layout that describes it.
 * Every pointer, array and struct is a MemorySegment; integers keep their width, not their sign.
 */
final class JavaTypes {
    private JavaTypes() {}

    /** The Java type that carries a value of the C type across a call or out of a field. */
    static String carrier(CType type) {
        return switch (type) {
            case CType.Scalar scalar -> switch (scalar) {
                case VOID -> "void";
                case BOOL -> "boolean";
                case CHAR -> "byte";
                case SHORT -> "short";
                case INT -> "int";
                case LONG -> "long";
                case FLOAT -> "float";
                case DOUBLE -> "double";
            };
            case CType.Pointer pointer -> "MemorySegment";
            case CType.Array array -> "MemorySegment";
            case CType.Record record -> "MemorySegment";
            case CType.Function function -> throw new IllegalArgumentException("a function is not a value");
        };
    }

    /** A Java expression for the layout of the C type. */
    static String layout(CType type) {
        return switch (type) {
            case CType.Scalar scalar -> switch (scalar) {
                case VOID -> throw new IllegalArgumentException("void has no layout");
                case BOOL -> "ValueLayout.JAVA_BOOLEAN";
                case CHAR -> "ValueLayout.JAVA_BYTE";
                case SHORT -> "ValueLayout.JAVA_SHORT";
                case INT -> "ValueLayout.JAVA_INT";
                case LONG -> "ValueLayout.JAVA_LONG";
                case FLOAT -> "ValueLayout.JAVA_FLOAT";
                case DOUBLE -> "ValueLayout.JAVA_DOUBLE";
            };
            case CType.Pointer pointer -> "ValueLayout.ADDRESS";
            case CType.Array array -> "MemoryLayout.sequenceLayout(" + array.length() + ", " + layout(array.element()) + ")";
            case CType.Record record -> record.name() + ".layout()";
            case CType.Function function -> throw new IllegalArgumentException("a function has no layout");
        };
    }

    /** The static type of {@link #layout}'s expression. */
    static String layoutClass(CType type) {
        return switch (type) {
            case CType.Scalar scalar -> switch (scalar) {
                case VOID -> throw new IllegalArgumentException("void has no layout");
                case BOOL -> "ValueLayout.OfBoolean";
                case CHAR -> "ValueLayout.OfByte";
                case SHORT -> "ValueLayout.OfShort";
                case INT -> "ValueLayout.OfInt";
                case LONG -> "ValueLayout.OfLong";
                case FLOAT -> "ValueLayout.OfFloat";
                case DOUBLE -> "ValueLayout.OfDouble";
            };
            case CType.Pointer pointer -> "AddressLayout";
            case CType.Array array -> "SequenceLayout";
            case CType.Record record -> "GroupLayout";
            case CType.Function function -> throw new IllegalArgumentException("a function has no layout");
        };
    }

    /** True when a value of the type is read with get/set; arrays and structs are slices instead. */
    static boolean isValue(CType type) {
        return type instanceof CType.Scalar || type instanceof CType.Pointer;
    }
}
