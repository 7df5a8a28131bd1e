package dev.jdnn.layers;

import dev.jdnn.io.JsonValue;
import dev.jdnn.io.JsonValue.JsonArray;
import dev.jdnn.io.JsonValue.JsonBoolean;
import dev.jdnn.io.JsonValue.JsonInteger;
import dev.jdnn.io.JsonValue.JsonNumber;
import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.io.JsonValue.JsonString;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * An operation's hyper-parameters as a model file stores them (docs/FORMAT.md, "Graph"): typed reads of one JSON
 * object, each throwing IllegalArgumentException that names the key, what it must be and what it holds, so an
 * operation's reader is a line per attribute. Sizes (channels, features, filter sizes, strides, dilations, groups,
 * pads) are at most 2^31 - 1: the shape rules add and multiply them in 64 bits, which larger values could overflow.
 */
final class OpAttributes {
    /** The largest size an attribute may hold. */
    static final long MAX_SIZE = Integer.MAX_VALUE;

    private final JsonObject object;
    /** The keys read so far: any other is refused by {@link #requireAllRead}. */
    private final Set<String> read = new LinkedHashSet<>();

    OpAttributes(JsonObject object) {
        this.object = object;
    }

    /** An integer from {@code min} to {@link #MAX_SIZE}. */
    long size(String key, long min) {
        if (!(get(key) instanceof JsonInteger(long value)) || value < min || value > MAX_SIZE) {
            throw invalid(key, "an integer from " + min + " to " + MAX_SIZE);
        }
        return value;
    }

    /** Any 64-bit integer. */
    long integer(String key) {
        if (!(get(key) instanceof JsonInteger(long value))) throw invalid(key, "a 64-bit integer");
        return value;
    }

    /** A number (its range is the operation's to check). */
    double number(String key) {
        if (!(get(key) instanceof JsonNumber number)) throw invalid(key, "a number");
        return number.doubleValue();
    }

    boolean bool(String key) {
        if (!(get(key) instanceof JsonBoolean value)) throw invalid(key, "true or false");
        return value.value();
    }

    String text(String key) {
        if (!(get(key) instanceof JsonString(String value))) throw invalid(key, "a string");
        return value;
    }

    /** 'same' or 'valid' under "padding", or null when the object has no such key (explicit {@link #pads()}). */
    Padding padding() {
        return object.get("padding") == null ? null : Padding.of(text("padding"));
    }

    /** Explicit pads under "pads", [top, left, bottom, right], or null when the object has no such key. */
    Pads pads() {
        if (object.get("pads") == null) return null;
        String expected = "[top, left, bottom, right], four integers from 0 to " + MAX_SIZE;
        if (!(get("pads") instanceof JsonArray array) || array.values().size() != 4) throw invalid("pads", expected);
        long[] sides = new long[4];
        for (int i = 0; i < 4; i++) {
            if (!(array.values().get(i) instanceof JsonInteger(long value)) || value < 0 || value > MAX_SIZE) {
                throw invalid("pads", expected);
            }
            sides[i] = value;
        }
        return new Pads(sides[0], sides[1], sides[2], sides[3]);
    }

    /** Writes 'same' or 'valid' as "padding", or explicit pads as "pads": what {@link #padding} and {@link #pads} read. */
    static void putPadding(JsonObject.Builder attributes, Padding padding, Pads pads) {
        if (pads != null) {
            attributes.put("pads", JsonArray.ofLongs(pads.top(), pads.left(), pads.bottom(), pads.right()));
        } else {
            attributes.put("padding", padding.name().toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Throws IllegalArgumentException naming the first key the operation did not read: an attribute this jdnn does
     * not know would be ignored, and the operation computed without it.
     */
    void requireAllRead(String type) {
        for (String key : object.members().keySet()) {
            if (!read.contains(key)) {
                Set<String> known = new TreeSet<>(read);
                throw new IllegalArgumentException("unknown attribute '" + key + "' for " + type + " (it has "
                        + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
            }
        }
    }

    private JsonValue get(String key) {
        read.add(key);
        JsonValue value = object.get(key);
        if (value == null) throw new IllegalArgumentException("attribute '" + key + "' is missing");
        return value;
    }

    private IllegalArgumentException invalid(String key, String expected) {
        return new IllegalArgumentException("attribute '" + key + "' must be " + expected + ", got " + object.get(key));
    }
}
