package dev.jdnn;

import dev.jdnn.data.Preprocessing;
import dev.jdnn.io.JsonValue;
import dev.jdnn.io.JsonValue.JsonArray;
import dev.jdnn.io.JsonValue.JsonDecimal;
import dev.jdnn.io.JsonValue.JsonNumber;
import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.io.JsonValue.JsonString;
import dev.jdnn.io.ModelFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link Preprocessing} as the header's {@code preprocessing} object (docs/FORMAT.md):
 * {@code {"scale": 0.00392156862745098, "mean": [0.0], "std": [1.0], "channel_order": "rgb"}}. A float is
 * written as the double of the same value, which reads back to it exactly.
 */
final class PreprocessingJson {
    private PreprocessingJson() {}

    static JsonObject write(Preprocessing p) {
        return new JsonObject.Builder().put("scale", p.scale()).put("mean", floats(p.mean())).put("std", floats(p.std()))
                .put("channel_order", p.channelOrder().name().toLowerCase(Locale.ROOT)).build();
    }

    /**
     * The preprocessing {@code value} describes; {@link Preprocessing#DEFAULT} if it is absent (files written
     * before models stored one), checked against the model's {@code channels}.
     *
     * @throws ModelFormatException naming the key if one is missing, of the wrong type or out of range
     */
    static Preprocessing read(JsonValue value, int channels, Path file) throws ModelFormatException {
        if (value == null) return Preprocessing.DEFAULT;
        if (!(value instanceof JsonObject o)) {
            throw new ModelFormatException(file, "invalid preprocessing: must be an object, got " + value);
        }
        if (!(o.get("scale") instanceof JsonNumber scale)) throw invalid(file, o, "scale", "a number");
        float[] mean = floats(file, o, "mean");
        float[] std = floats(file, o, "std");
        Preprocessing.ChannelOrder order = null;
        if (o.get("channel_order") instanceof JsonString(String name)) {
            for (Preprocessing.ChannelOrder candidate : Preprocessing.ChannelOrder.values()) {
                if (candidate.name().toLowerCase(Locale.ROOT).equals(name)) order = candidate;
            }
        }
        if (order == null) throw invalid(file, o, "channel_order", "\"rgb\" or \"bgr\"");
        try {
            Preprocessing preprocessing = new Preprocessing(scale.doubleValue(), mean, std, order);
            preprocessing.requireChannels(channels);
            return preprocessing;
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "invalid preprocessing: " + e.getMessage(), e);
        }
    }

    private static JsonArray floats(float[] values) {
        List<JsonValue> elements = new ArrayList<>();
        for (float v : values) elements.add(new JsonDecimal(v));
        return new JsonArray(elements);
    }

    private static float[] floats(Path file, JsonObject o, String key) throws ModelFormatException {
        if (!(o.get(key) instanceof JsonArray array) || array.values().isEmpty()
                || !array.values().stream().allMatch(v -> v instanceof JsonNumber)) {
            throw invalid(file, o, key, "an array of numbers");
        }
        float[] values = new float[array.values().size()];
        for (int i = 0; i < values.length; i++) values[i] = (float) ((JsonNumber) array.values().get(i)).doubleValue();
        return values;
    }

    private static ModelFormatException invalid(Path file, JsonObject o, String key, String expected) {
        return new ModelFormatException(file, "invalid preprocessing: '" + key + "' must be " + expected + ", got "
                + o.get(key));
    }
}
