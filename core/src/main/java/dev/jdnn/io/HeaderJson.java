package dev.jdnn.io;

import dev.jdnn.io.JsonValue.JsonArray;
import dev.jdnn.io.JsonValue.JsonBoolean;
import dev.jdnn.io.JsonValue.JsonDecimal;
import dev.jdnn.io.JsonValue.JsonInteger;
import dev.jdnn.io.JsonValue.JsonNull;
import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.io.JsonValue.JsonString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a model file's header (RFC 8259 JSON, then only whitespace) into {@link JsonValue}s: integers that fit
 * in a long as {@link JsonInteger}, other numbers as {@link JsonDecimal} (a number beyond the range of a double is
 * refused, as JSON values cannot be infinite), the last of duplicate keys wins in the first one's place. The
 * limits on depth and number length are Jackson's defaults: they keep hostile text from overflowing the stack or
 * taking quadratic time.
 */
final class HeaderJson {
    /** Nesting deeper than this is refused rather than allowed to overflow the stack. */
    static final int MAX_DEPTH = 1000;
    /** Longer number literals are refused: parsing a huge integer is quadratic in its length. */
    static final int MAX_NUMBER_LENGTH = 1000;

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
    static JsonValue parse(Path file, String text) throws ModelFormatException {
        HeaderJson parser = new HeaderJson(file, text);
        parser.skipWhitespace();
        JsonValue root = parser.value(0);
        parser.skipWhitespace();
        if (parser.at < text.length()) throw parser.error("content after the JSON value");
        return root;
    }

    private JsonValue value(int depth) throws ModelFormatException {
        if (at >= text.length()) throw error("end of text where a value was expected");
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> new JsonString(string());
            case 't' -> literal("true", JsonBoolean.TRUE);
            case 'f' -> literal("false", JsonBoolean.FALSE);
            case 'n' -> literal("null", JsonNull.INSTANCE);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected " + describe(c) + " where a value was expected");
            }
        };
    }

    private JsonObject object(int depth) throws ModelFormatException {
        requireDepth(depth);
        at++;
        Map<String, JsonValue> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            at++;
            return new JsonObject(members);
        }
        while (true) {
            if (peek() != '"') throw error("expected a quoted key");
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            members.put(key, value(depth));
            skipWhitespace();
            if (peek() == ',') {
                at++;
                skipWhitespace();
            } else {
                expect('}');
                return new JsonObject(members);
            }
        }
    }

    private JsonArray array(int depth) throws ModelFormatException {
        requireDepth(depth);
        at++;
        List<JsonValue> values = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            at++;
            return new JsonArray(values);
        }
        while (true) {
            values.add(value(depth));
            skipWhitespace();
            if (peek() == ',') {
                at++;
                skipWhitespace();
            } else {
                expect(']');
                return new JsonArray(values);
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

    private JsonValue number() throws ModelFormatException {
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
        if (integral) {
            try {
                return new JsonInteger(Long.parseLong(literal));
            } catch (NumberFormatException beyondLong) {
                // read as a double below
            }
        }
        double value = Double.parseDouble(literal);
        if (!Double.isFinite(value)) {
            at = start;
            throw error("a number beyond the range of a double");
        }
        return new JsonDecimal(value);
    }

    private boolean digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') at++;
        return at > start;
    }

    private JsonValue literal(String word, JsonValue node) throws ModelFormatException {
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
