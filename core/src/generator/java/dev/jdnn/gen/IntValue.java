package dev.jdnn.gen;

/**
 * An integer constant with its C type after integer promotion (LP64: int and unsigned int are 32 bits,
 * long and unsigned long 64). The bits are kept normalized: sign-extended for int, zero-extended for
 * unsigned int, so two equal values compare equal.
 */
record IntValue(long bits, Type type) {
    /** The promoted integer types, lowest rank first. */
    enum Type {
        INT(32, false), UINT(32, true), LONG(64, false), ULONG(64, true);

        final int width;
        final boolean unsigned;

        Type(int width, boolean unsigned) {
            this.width = width;
            this.unsigned = unsigned;
        }

        /** The type of a binary operation's operands after the usual arithmetic conversions. */
        static Type common(Type a, Type b) {
            if (a == b) return a;
            if (a.width == 64 || b.width == 64) return a == ULONG || b == ULONG ? ULONG : LONG;
            return UINT;
        }
    }

    IntValue {
        bits = normalize(bits, type.width, type.unsigned);
    }

    static IntValue of(long bits, Type type) {
        return new IntValue(bits, type);
    }

    /** The value converted to an integer type of any width (1 for _Bool), then promoted as C does. */
    IntValue castTo(int width, boolean unsigned) {
        if (width == 1) return of(bits == 0 ? 0 : 1, Type.INT);
        long narrowed = normalize(bits, width, unsigned);
        if (width < 32) return of(narrowed, Type.INT);
        if (width == 32) return of(narrowed, unsigned ? Type.UINT : Type.INT);
        return of(narrowed, unsigned ? Type.ULONG : Type.LONG);
    }

    IntValue convert(Type target) {
        return of(bits, target);
    }

    boolean isZero() {
        return bits == 0;
    }

    /** True when Java should carry this constant as a long: its C type is 64 bits wide. */
    boolean isWide() {
        return type.width == 64;
    }

    private static long normalize(long bits, int width, boolean unsigned) {
        if (width >= 64) return bits;
        long mask = (1L << width) - 1;
        long low = bits & mask;
        if (unsigned) return low;
        long sign = 1L << (width - 1);
        return (low ^ sign) - sign;
    }
}
