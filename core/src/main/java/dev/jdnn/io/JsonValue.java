package dev.jdnn.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON value, as a model file's header holds them (RFC 8259): immutable, compared by content, and printed by
 * {@code toString()} as compact JSON text: no spaces; in strings {@code "} and {@code \} escaped, control
 * characters as {@code \b}, {@code \f}, {@code \n}, {@code \r}, {@code \t} or {@code \}{@code u00XX}, unpaired
 * surrogates as {@code \}{@code uXXXX}, the rest as they are. Numbers are exact: integers as {@code long}, the others
 * as finite doubles printed by {@link Double#toString(double)}, which reads back to the same double. That is the
 * text Jackson's ObjectMapper writes for the same tree (except the unpaired surrogates, which it refuses), so
 * model files keep the bytes they had. jdnn has its own model rather than a JSON library's so that the library
 * depends on nothing beyond the JDK.
 */
public sealed interface JsonValue {
    /** An object: its members in insertion order, keys unique. */
    record JsonObject(Map<String, JsonValue> members) implements JsonValue {
        /** @throws NullPointerException if a key or a value is null (use {@link JsonNull#INSTANCE}) */
        public JsonObject {
            LinkedHashMap<String, JsonValue> copy = new LinkedHashMap<>();
            members.forEach((key, value) -> copy.put(Objects.requireNonNull(key, "key"),
                    Objects.requireNonNull(value, () -> "the value of '" + key + "'")));
            members = Collections.unmodifiableMap(copy);
        }

        /** The value of {@code key}, or null if this object has no such key. */
        public JsonValue get(String key) {
            return members.get(key);
        }

        @Override
        public String toString() {
            return JsonText.write(this);
        }

        /** Collects the members of a {@link JsonObject} in the order they are put; a key put again keeps its place. */
        public static final class Builder {
            private final LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();

            public Builder put(String key, JsonValue value) {
                members.put(key, value);
                return this;
            }

            public Builder put(String key, String value) {
                return put(key, new JsonString(value));
            }

            public Builder put(String key, long value) {
                return put(key, new JsonInteger(value));
            }

            /** @throws IllegalArgumentException if {@code value} is NaN or infinite (JSON has no such numbers) */
            public Builder put(String key, double value) {
                return put(key, new JsonDecimal(value));
            }

            public Builder put(String key, boolean value) {
                return put(key, JsonBoolean.of(value));
            }

            public JsonObject build() {
                return new JsonObject(members);
            }
        }
    }

    /** An array. */
    record JsonArray(List<JsonValue> values) implements JsonValue {
        public JsonArray {
            values = List.copyOf(values);
        }

        /** An array of {@code values}, in order. */
        public static JsonArray of(List<? extends JsonValue> values) {
            return new JsonArray(List.copyOf(values));
        }

        /** An array of integers. */
        public static JsonArray ofLongs(long... values) {
            JsonValue[] elements = new JsonValue[values.length];
            for (int i = 0; i < values.length; i++) elements[i] = new JsonInteger(values[i]);
            return new JsonArray(List.of(elements));
        }

        /** An array of strings. */
        public static JsonArray ofStrings(List<String> values) {
            return new JsonArray(values.stream().<JsonValue>map(JsonString::new).toList());
        }

        @Override
        public String toString() {
            return JsonText.write(this);
        }
    }

    /** A string. */
    record JsonString(String value) implements JsonValue {
        public JsonString {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return JsonText.write(this);
        }
    }

    /** A number, integral or not. */
    sealed interface JsonNumber extends JsonValue {
        /** The number as a double (an integer beyond 2^53 rounded to the nearest double). */
        double doubleValue();
    }

    /** A number without fraction or exponent that fits in a {@code long}. */
    record JsonInteger(long value) implements JsonNumber {
        @Override
        public double doubleValue() {
            return value;
        }

        /** Whether the value fits in an {@code int}. */
        public boolean isInt() {
            return value == (int) value;
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** Any other number: a fraction or exponent in the text, or an integer too large for a {@code long}. */
    record JsonDecimal(double value) implements JsonNumber {
        /** @throws IllegalArgumentException if {@code value} is NaN or infinite (JSON has no such numbers) */
        public JsonDecimal {
            if (!Double.isFinite(value)) throw new IllegalArgumentException("JSON has no number " + value);
        }

        @Override
        public double doubleValue() {
            return value;
        }

        @Override
        public String toString() {
            return Double.toString(value);
        }
    }

    /** {@code true} or {@code false}. */
    enum JsonBoolean implements JsonValue {
        FALSE, TRUE;

        public static JsonBoolean of(boolean value) {
            return value ? TRUE : FALSE;
        }

        public boolean value() {
            return this == TRUE;
        }

        @Override
        public String toString() {
            return this == TRUE ? "true" : "false";
        }
    }

    /** {@code null}. */
    enum JsonNull implements JsonValue {
        INSTANCE;

        @Override
        public String toString() {
            return "null";
        }
    }
}
