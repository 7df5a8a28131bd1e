package dev.jdnn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.io.JsonValue.JsonArray;
import dev.jdnn.io.JsonValue.JsonDecimal;
import dev.jdnn.io.JsonValue.JsonNull;
import dev.jdnn.io.JsonValue.JsonObject;
import dev.jdnn.io.JsonValue.JsonString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * JsonValue's text against Jackson's ObjectMapper, which wrote model files before: the same bytes for the same
 * tree, so files keep their bytes; and every value reads back as itself.
 */
class JsonValueTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Test
    void writesTheTextJacksonWritesAndReadsItBack() throws Exception {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 2_000; i++) {
            JsonValue value = randomValue(random, 0);
            String text = value.toString();
            assertEquals(JACKSON.writeValueAsString(JacksonTrees.toJackson(value)), text, "document " + i);
            assertEquals(value, HeaderJson.parse(Path.of("x"), text), "document " + i + ": " + text);
        }
    }

    @Test
    void controlCharactersAndUnpairedSurrogatesAreEscapedAndReadBack() throws Exception {
        String s = "a\u0000\u001f\b\f\n\r\t\"\\/\u00e9\ud83d\ude00 \ud800x\udc00";
        JsonString value = new JsonString(s);
        assertEquals("\"a\\u0000\\u001F\\b\\f\\n\\r\\t\\\"\\\\/\u00e9\ud83d\ude00 \\uD800x\\uDC00\"", value.toString());
        assertEquals(value, HeaderJson.parse(Path.of("x"), value.toString()));
    }

    @Test
    void decimalsKeepEveryBitAndJsonHasNoNaN() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(d)) continue;
            JsonValue parsed = HeaderJson.parse(Path.of("x"), new JsonDecimal(d).toString());
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(((JsonDecimal) parsed).value()));
        }
        assertThrows(IllegalArgumentException.class, () -> new JsonDecimal(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new JsonObject.Builder().put("x", Double.POSITIVE_INFINITY));
    }

    @Test
    void objectsKeepTheirOrderAndARepeatedKeyItsPlace() {
        JsonObject o = new JsonObject.Builder().put("b", 1).put("a", "x").put("b", 2.5).put("c", JsonNull.INSTANCE)
                .put("d", true).build();
        assertEquals("{\"b\":2.5,\"a\":\"x\",\"c\":null,\"d\":true}", o.toString());
        assertThrows(UnsupportedOperationException.class, () -> o.members().put("e", JsonNull.INSTANCE));
    }

    private static JsonValue randomValue(SplittableRandom random, int depth) {
        return switch (random.nextInt(depth > 3 ? 6 : 8)) {
            case 0 -> new JsonValue.JsonInteger(random.nextLong() >> random.nextInt(64));
            case 1 -> {
                double d = Double.longBitsToDouble(random.nextLong());
                yield new JsonDecimal(Double.isFinite(d) ? d : random.nextDouble());
            }
            case 2 -> new JsonDecimal(random.nextInt(2000) / 8.0 - 100);
            case 3 -> new JsonString(randomString(random));
            case 4 -> JsonValue.JsonBoolean.of(random.nextBoolean());
            case 5 -> JsonNull.INSTANCE;
            case 6 -> {
                List<JsonValue> values = new ArrayList<>();
                for (int n = random.nextInt(4), i = 0; i < n; i++) values.add(randomValue(random, depth + 1));
                yield new JsonArray(values);
            }
            default -> {
                Map<String, JsonValue> members = new LinkedHashMap<>();
                for (int n = random.nextInt(4), i = 0; i < n; i++) members.put(randomString(random), randomValue(random, depth + 1));
                yield new JsonObject(members);
            }
        };
    }

    /** Letters, escapes, control characters and other characters of the basic plane, surrogates only in pairs. */
    private static String randomString(SplittableRandom random) {
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(6), i = 0; i < n; i++) {
            switch (random.nextInt(5)) {
                case 0 -> s.append("\"\\/\b\f\n\r\t".charAt(random.nextInt(8)));
                case 1 -> s.append((char) random.nextInt(0x20));
                case 2 -> s.append((char) (0xa0 + random.nextInt(0x2000)));
                case 3 -> s.appendCodePoint(0x10000 + random.nextInt(0x1000));
                default -> s.append((char) ('a' + random.nextInt(26)));
            }
        }
        return s.toString();
    }
}
