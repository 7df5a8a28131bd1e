package dev.jdnn.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Path;

/**
 * Parses a model file's header (RFC 8259 JSON, then only whitespace) into Jackson's tree nodes, built as
 * {@code ObjectMapper.readTree} builds them: integers as int, long or big-integer nodes by size, other numbers
 * as doubles, the last of duplicate keys wins. It exists for start-up time: a cold JVM spends about half a
 * second creating an ObjectMapper and ~150 ms more starting Jackson's parser, against a few milliseconds here,
 * and loading a model is on the path to a first prediction. The limits are Jackson's defaults.
 */
final class HeaderJson {
    /** Nesting deeper than this is refused rather than allowed to overflow the stack. */
    static final int MAX_DEPTH = 1000;
    /** Longer number literals are refused: parsing a huge integer is quadratic in its length. */
    static final int MAX_NUMBER_LENGTH = 1000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Path file;
    private final String text;
    private int at;

    private HeaderJson(Path file, String text) {
        this.file = file;
        this.text = text;
    }

    /**
     * The JSON value that {@code text} holds.
     *
     * @throws ModelFormatException "corrupt header: not valid JSON (...)" naming the offending character offset
     */
    static JsonNode parse(Path file, String text) throws ModelFormatException {
        HeaderJson parser = new HeaderJson(file, text);
        parser.skipWhitespace();
        JsonNode root = parser.value(0);
        parser.skipWhitespace();
        if (parser.at < text.length()) throw parser.error("content after the JSON value");
        return root;
    }

    private JsonNode value(int depth) throws ModelFormatException {
        if (at >= text.length()) throw error("end of text where a value was expected");
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> NODES.textNode(string());
            case 't' -> literal("true", NODES.booleanNode(true));
            case 'f' -> literal("false", NODES.booleanNode(false));
            case 'n' -> literal("null", NODES.nullNode());
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected " + describe(c) + " where a value was expected");
            }
        };
    }

    private ObjectNode object(int depth) throws ModelFormatException {
        requireDepth(depth);
        at++;
        ObjectNode object = NODES.objectNode();
        skipWhitespace();
        if (peek() == '}') {
            at++;
            return object;
        }
        while (true) {
            if (peek() != '"') throw error("expected a quoted key");
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            object.set(key, value(depth));
            skipWhitespace();
            if (peek() == ',') {
                at++;
                skipWhitespace();
            } else {
                expect('}');
                return object;
            }
        }
    }

    private ArrayNode array(int depth) throws ModelFormatException {
        requireDepth(depth);
        at++;
        ArrayNode array = NODES.arrayNode();
        skipWhitespace();
        if (peek() == ']') {
            at++;
            return array;
        }
        while (true) {
            array.add(value(depth));
            skipWhitespace();
            if (peek() == ',') {
                at++;
                skipWhitespace();
            } else {
                expect(']');
                return array;
            }
        }
    }

    private String string() throws ModelFormatException {
        at++; // the opening quote
        StringBuilder out = null;
        int runStart = at;
        while (true) {
            if (at >= text.length()) throw error("unterminated string");
            char c = text.charAt(at);
            if (c == '"') {
                String tail = text.substring(runStart, at++);
                return out == null ? tail : out.append(tail).toString();
            }
            if (c < 0x20) throw error("unescaped control character " + describe(c) + " in a string");
            if (c != '\\') {
                at++;
                continue;
            }
            if (out == null) out = new StringBuilder();
            out.append(text, runStart, at);
            at++;
            if (at >= text.length()) throw error("unterminated string");
            char escaped = text.charAt(at++);
            switch (escaped) {
                case '"', '\\', '/' -> out.append(escaped);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(unicodeEscape());
                default -> {
                    at--;
                    throw error("invalid escape \\" + escaped);
                }
            }
            runStart = at;
        }
    }

    private char unicodeEscape() throws ModelFormatException {
        if (at + 4 > text.length()) throw error("truncated \\u escape");
        int code = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(at), 16);
            if (digit < 0) throw error("invalid hex digit " + describe(text.charAt(at)) + " in a \\u escape");
            code = code * 16 + digit;
            at++;
        }
        return (char) code;
    }

    private JsonNode number() throws ModelFormatException {
        int start = at;
        if (peek() == '-') at++;
        if (peek() == '0') {
            at++;
        } else if (!digits()) {
            throw error("expected a digit");
        }
        boolean integral = true;
        if (peek() == '.') {
            at++;
            integral = false;
            if (!digits()) throw error("expected a digit after the decimal point");
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            integral = false;
            if (peek() == '+' || peek() == '-') at++;
            if (!digits()) throw error("expected a digit in the exponent");
        }
        if (at - start > MAX_NUMBER_LENGTH) {
            at = start;
            throw error("a number longer than " + MAX_NUMBER_LENGTH + " characters");
        }
        String literal = text.substring(start, at);
        if (!integral) return NODES.numberNode(Double.parseDouble(literal));
        // 18 digits (and a sign) always fit in a long; longer literals may not.
        if (literal.length() <= 18) return integer(Long.parseLong(literal));
        BigInteger big = new BigInteger(literal);
        return big.bitLength() < Long.SIZE ? integer(big.longValue()) : NODES.numberNode(big);
    }

    private static JsonNode integer(long value) {
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    private boolean digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') at++;
        return at > start;
    }

    private JsonNode literal(String word, JsonNode node) throws ModelFormatException {
        if (!text.startsWith(word, at)) throw error("unexpected " + describe(text.charAt(at)) + " where a value was expected");
        at += word.length();
        return node;
    }

    private void expect(char c) throws ModelFormatException {
        if (peek() != c) {
            throw error(at < text.length() ? "expected '" + c + "' but found " + describe(text.charAt(at))
                    : "expected '" + c + "' but the text ended");
        }
        at++;
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : 0;
    }

    private void skipWhitespace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            at++;
        }
    }

    private void requireDepth(int depth) throws ModelFormatException {
        if (depth > MAX_DEPTH) throw error("objects and arrays nested deeper than " + MAX_DEPTH);
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private ModelFormatException error(String problem) {
        return new ModelFormatException(file, "corrupt header: not valid JSON (" + problem + " at character " + at + ")");
    }
}
