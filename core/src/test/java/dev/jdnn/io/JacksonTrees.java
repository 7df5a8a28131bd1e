package dev.jdnn.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.io.JsonValue.JsonArray;
import dev.jdnn.io.JsonValue.JsonBoolean;
import dev.jdnn.io.JsonValue.JsonDecimal;
import dev.jdnn.io.JsonValue.JsonInteger;
import dev.jdnn.io.JsonValue.JsonNull;
import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.io.JsonValue.JsonString;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jackson's trees and jdnn's {@link JsonValue}s, each made from the other: Jackson is the independent reference
 * for the header's parser and writer, and lets tests edit a header as they did before jdnn had its own JSON.
 */
public final class JacksonTrees {
    private static final ObjectMapper JACKSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JacksonTrees() {}

    /** {@code json} parsed by Jackson. */
    public static JsonNode parse(String json) {
        try {
            return JACKSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code value} as Jackson's object node, for editing. */
    public static ObjectNode edit(JsonObject value) {
        return (ObjectNode) toJackson(value);
    }

    /**
     * The JsonValue of a Jackson tree by JsonValue's rules: integers that fit in a long as JsonInteger, other
     * numbers (big integers included) as JsonDecimal.
     */
    public static JsonValue fromJackson(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, JsonValue> members = new LinkedHashMap<>();
                node.properties().forEach(e -> members.put(e.getKey(), fromJackson(e.getValue())));
                yield new JsonObject(members);
            }
            case ARRAY -> {
                List<JsonValue> values = new ArrayList<>();
                node.forEach(v -> values.add(fromJackson(v)));
                yield new JsonArray(values);
            }
            case STRING -> new JsonString(node.textValue());
            case NUMBER -> node.isIntegralNumber() && node.canConvertToLong() ? new JsonInteger(node.longValue())
                    : new JsonDecimal(node.doubleValue());
            case BOOLEAN -> JsonBoolean.of(node.booleanValue());
            case NULL -> JsonNull.INSTANCE;
            default -> throw new AssertionError("no JSON value: " + node.getNodeType());
        };
    }

    /** The Jackson tree of {@code value}. */
    public static JsonNode toJackson(JsonValue value) {
        return switch (value) {
            case JsonObject o -> {
                ObjectNode object = NODES.objectNode();
                o.members().forEach((k, v) -> object.set(k, toJackson(v)));
                yield object;
            }
            case JsonArray a -> {
                var array = NODES.arrayNode();
                a.values().forEach(v -> array.add(toJackson(v)));
                yield array;
            }
            case JsonString(String s) -> NODES.textNode(s);
            case JsonInteger(long l) -> NODES.numberNode(l);
            case JsonDecimal(double d) -> NODES.numberNode(d);
            case JsonBoolean b -> NODES.booleanNode(b.value());
            case JsonNull n -> NODES.nullNode();
        };
    }
}
