package dev.jdnn.gen;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates an integer constant expression given as macro-expanded tokens, with C's typing rules:
 * literal types from their suffix and radix, integer promotion, the usual arithmetic conversions,
 * and casts to integer types. Supported: literals, parentheses, unary {@code + - ~ !}, binary
 * {@code * / % + - << >> < > <= >= == != & ^ | && ||}, casts to integer type names, and identifiers
 * the caller knows (enum constants, static const integers).
 */
final class ConstantExpression {
    /** The integer types a cast can name, and the identifiers with a known integer value. */
    interface Names {
        Optional<IntegerType> integerType(String typedefName);

        Optional<IntValue> constant(String identifier);
    }

    /** An integer type a value can be cast to. */
    record IntegerType(int width, boolean unsigned) {}

    private static final Set<String> TYPE_WORDS =
            Set.of("char", "short", "int", "long", "signed", "unsigned", "_Bool", "const", "volatile");
    private static final List<List<String>> BINARY_LEVELS = List.of(
            List.of("||"), List.of("&&"), List.of("|"), List.of("^"), List.of("&"), List.of("==", "!="),
            List.of("<", ">", "<=", ">="), List.of("<<", ">>"), List.of("+", "-"), List.of("*", "/", "%"));

    private final List<String> tokens;
    private final Names names;
    private int position;

    private ConstantExpression(List<String> tokens, Names names) {
        this.tokens = tokens;
        this.names = names;
    }

    static IntValue evaluate(List<String> tokens, Names names) throws NotConstantException {
        if (tokens.isEmpty()) throw new NotConstantException("empty");
        ConstantExpression expression = new ConstantExpression(tokens, names);
        IntValue value = expression.binary(0);
        if (expression.position != tokens.size()) {
            throw new NotConstantException("unexpected '" + tokens.get(expression.position) + "'");
        }
        return value;
    }

    private IntValue binary(int level) throws NotConstantException {
        if (level == BINARY_LEVELS.size()) return unary();
        IntValue left = binary(level + 1);
        while (position < tokens.size() && BINARY_LEVELS.get(level).contains(tokens.get(position))) {
            String operator = tokens.get(position++);
            left = apply(operator, left, binary(level + 1));
        }
        return left;
    }

    private IntValue unary() throws NotConstantException {
        String token = next();
        switch (token) {
            case "-": {
                IntValue operand = unary();
                return IntValue.of(-operand.bits(), operand.type());
            }
            case "+":
                return unary();
            case "~": {
                IntValue operand = unary();
                return IntValue.of(~operand.bits(), operand.type());
            }
            case "!":
                return truth(unary().isZero());
            case "(": {
                Optional<IntegerType> cast = castType();
                if (cast.isPresent()) {
                    IntValue operand = unary();
                    return operand.castTo(cast.get().width(), cast.get().unsigned());
                }
                IntValue inner = binary(0);
                expect(")");
                return inner;
            }
            default:
                return primary(token);
        }
    }

    /** After '(': a type name and ')' form a cast; otherwise nothing is consumed. */
    private Optional<IntegerType> castType() throws NotConstantException {
        int start = position;
        List<String> words = new ArrayList<>();
        while (position < tokens.size() && MacroTokens.isIdentifier(tokens.get(position))) {
            words.add(tokens.get(position++));
        }
        if (words.isEmpty()) return Optional.empty();
        boolean builtin = TYPE_WORDS.containsAll(words);
        Optional<IntegerType> typedef = words.size() == 1 && !builtin ? names.integerType(words.getFirst()) : Optional.empty();
        if (!builtin && typedef.isEmpty()) {
            if (words.contains("void") || words.contains("float") || words.contains("double")) {
                throw new NotConstantException("cast to non-integer type " + String.join(" ", words));
            }
            position = start;
            return Optional.empty();
        }
        if (position < tokens.size() && tokens.get(position).equals("*")) {
            throw new NotConstantException("pointer cast");
        }
        expect(")");
        return Optional.of(typedef.orElseGet(() -> builtinType(words)));
    }

    private static IntegerType builtinType(List<String> words) {
        boolean unsigned = words.contains("unsigned");
        if (words.contains("_Bool")) return new IntegerType(1, true);
        if (words.contains("char")) return new IntegerType(8, unsigned);
        if (words.contains("short")) return new IntegerType(16, unsigned);
        if (words.contains("long")) return new IntegerType(64, unsigned);
        return new IntegerType(32, unsigned);
    }

    private IntValue primary(String token) throws NotConstantException {
        if (Character.isDigit(token.charAt(0))) return literal(token);
        if (token.startsWith("'")) return character(token);
        if (MacroTokens.isIdentifier(token)) {
            return names.constant(token).orElseThrow(() -> new NotConstantException("unknown identifier " + token));
        }
        throw new NotConstantException("unexpected '" + token + "'");
    }

    /** An integer literal typed by C11 6.4.4.1: the first type of its list that holds the value. */
    static IntValue literal(String token) throws NotConstantException {
        String text = token.replace("'", "").toLowerCase(Locale.ROOT);
        int suffixStart = text.length();
        while (suffixStart > 0 && (text.charAt(suffixStart - 1) == 'u' || text.charAt(suffixStart - 1) == 'l')) {
            suffixStart--;
        }
        String suffix = text.substring(suffixStart);
        String digits = text.substring(0, suffixStart);
        int radix = 10;
        if (digits.startsWith("0x")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.startsWith("0b")) {
            radix = 2;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
            digits = digits.substring(1);
        }
        if (!Set.of("", "u", "l", "ul", "lu", "ll", "ull", "llu").contains(suffix)) {
            throw new NotConstantException("not an integer literal: " + token);
        }
        BigInteger value;
        try {
            value = new BigInteger(digits, radix);
        } catch (NumberFormatException e) {
            throw new NotConstantException("not an integer literal: " + token);
        }
        boolean unsignedSuffix = suffix.contains("u");
        boolean longSuffix = suffix.contains("l");
        boolean decimal = radix == 10;
        List<IntValue.Type> candidates = new ArrayList<>();
        if (!longSuffix) {
            if (!unsignedSuffix) candidates.add(IntValue.Type.INT);
            if (unsignedSuffix || !decimal) candidates.add(IntValue.Type.UINT);
        }
        if (!unsignedSuffix) candidates.add(IntValue.Type.LONG);
        if (unsignedSuffix || !decimal) candidates.add(IntValue.Type.ULONG);
        for (IntValue.Type type : candidates) {
            int valueBits = type.unsigned ? type.width : type.width - 1;
            if (value.bitLength() <= valueBits) return IntValue.of(value.longValue(), type);
        }
        throw new NotConstantException("integer literal too large: " + token);
    }

    private static IntValue character(String token) throws NotConstantException {
        if (token.length() == 3 && token.endsWith("'")) return IntValue.of(token.charAt(1), IntValue.Type.INT);
        throw new NotConstantException("unsupported character literal " + token);
    }

    /** Applies a binary operator with C semantics. */
    static IntValue apply(String operator, IntValue left, IntValue right) throws NotConstantException {
        switch (operator) {
            case "&&":
                return truth(!left.isZero() && !right.isZero());
            case "||":
                return truth(!left.isZero() || !right.isZero());
            case "<<", ">>":
                return shift(operator, left, right);
            default:
                break;
        }
        IntValue.Type type = IntValue.Type.common(left.type(), right.type());
        long a = left.convert(type).bits();
        long b = right.convert(type).bits();
        return switch (operator) {
            case "*" -> IntValue.of(a * b, type);
            case "/" -> IntValue.of(type.unsigned ? Long.divideUnsigned(a, nonZero(b)) : a / nonZero(b), type);
            case "%" -> IntValue.of(type.unsigned ? Long.remainderUnsigned(a, nonZero(b)) : a % nonZero(b), type);
            case "+" -> IntValue.of(a + b, type);
            case "-" -> IntValue.of(a - b, type);
            case "&" -> IntValue.of(a & b, type);
            case "^" -> IntValue.of(a ^ b, type);
            case "|" -> IntValue.of(a | b, type);
            case "==" -> truth(a == b);
            case "!=" -> truth(a != b);
            default -> truth(compare(operator, type.unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b)));
        };
    }

    private static boolean compare(String operator, int order) {
        return switch (operator) {
            case "<" -> order < 0;
            case ">" -> order > 0;
            case "<=" -> order <= 0;
            default -> order >= 0;
        };
    }

    private static IntValue shift(String operator, IntValue left, IntValue right) throws NotConstantException {
        long count = right.bits();
        if (count < 0 || count >= left.type().width) {
            throw new NotConstantException("shift by " + Long.toUnsignedString(count) + " is undefined");
        }
        if (operator.equals("<<")) return IntValue.of(left.bits() << count, left.type());
        return IntValue.of(left.type().unsigned ? left.bits() >>> count : left.bits() >> count, left.type());
    }

    private static long nonZero(long divisor) throws NotConstantException {
        if (divisor == 0) throw new NotConstantException("division by zero");
        return divisor;
    }

    private static IntValue truth(boolean value) {
        return IntValue.of(value ? 1 : 0, IntValue.Type.INT);
    }

    private String next() throws NotConstantException {
        if (position >= tokens.size()) throw new NotConstantException("expression ends early");
        return tokens.get(position++);
    }

    private void expect(String token) throws NotConstantException {
        if (!next().equals(token)) throw new NotConstantException("expected '" + token + "'");
    }
}
