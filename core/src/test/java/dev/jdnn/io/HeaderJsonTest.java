package dev.jdnn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HeaderJson against Jackson's ObjectMapper, the parser model files were first read with: the same trees, mapped
 * to JsonValues by JsonValue's rules ({@link JacksonTrees#fromJackson}).
 */
class HeaderJsonTest {
    private static final Path FILE = Path.of("model.jdnn");

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", "[]", " {\"a\" : [ 1 , 2 ] }  \n\t\r ", "0", "-0", "2147483647", "-2147483648", "2147483648",
        "-2147483649", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "123456789012345678901234567890", "0.5", "-0.0", "1e308", "-1E-400", "1.0E-8", "6.02214076e+23", "3E2",
        "\"\"", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "\"\\u00e9\\u20AC\\ud83d\\ude00 \u00e9\"", "\"\\ud800\"",
        "true", "false", "null", "{\"k\":1,\"k\":\"last wins\"}", "[[[[[]]]],{\"\":{}}]",
        "{\"producer\":\"jdnn\",\"config\":{\"momentum\":0.9,\"random_state\":-1,\"initializer\":null},\"x\":[true,false]}"
    })
    void buildsTheTreeJacksonBuilds(String json) throws Exception {
        assertEquals(JacksonTrees.fromJackson(JacksonTrees.parse(json)), HeaderJson.parse(FILE, json), json);
    }

    @Test
    void randomDocumentsParseAsJacksonParsesThem() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2_000; i++) {
            String json = randomValue(random, 0);
            assertEquals(JacksonTrees.fromJackson(JacksonTrees.parse(json)), HeaderJson.parse(FILE, json),
                    "document " + i + ": " + json);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "   ", "{", "[1,2", "{\"a\":1,}", "[1,]", "{a:1}", "{'a':1}", "01", "-", "1.", ".5", "1e", "+1", "NaN",
        "Infinity", "tru", "nul", "\"unterminated", "\"bad \\x escape\"", "\"\\u12\"", "\"\\u12G4\"",
        "\"tab\there\"", "{\"a\" 1}", "{} {}", "{}x", "[1 2]", "{\"a\":1 \"b\":2}"
    })
    void refusesInvalidJsonNamingWhere(String json) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> HeaderJson.parse(FILE, json), json);
        assertTrue(e.getMessage().startsWith(FILE + ": corrupt header: not valid JSON (")
                && e.getMessage().contains(" at character "), e.getMessage());
    }

    @Test
    void refusesNestingDeeperThanTheLimit() throws Exception {
        String ok = "[".repeat(HeaderJson.MAX_DEPTH) + "]".repeat(HeaderJson.MAX_DEPTH);
        // Compared as text: comparing two trees this deep takes more stack than parsing one.
        assertEquals(ok, HeaderJson.parse(FILE, ok).toString());
        String deep = "[".repeat(HeaderJson.MAX_DEPTH + 1) + "]".repeat(HeaderJson.MAX_DEPTH + 1);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> HeaderJson.parse(FILE, deep));
        assertTrue(e.getMessage().contains("nested deeper than " + HeaderJson.MAX_DEPTH), e.getMessage());
    }

    @Test
    void refusesNumbersLongerThanTheLimit() throws Exception {
        String ok = "0." + "9".repeat(HeaderJson.MAX_NUMBER_LENGTH - 2);
        assertEquals(new JsonValue.JsonDecimal(1.0), HeaderJson.parse(FILE, ok));
        String huge = "9".repeat(HeaderJson.MAX_NUMBER_LENGTH + 1);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> HeaderJson.parse(FILE, huge));
        assertTrue(e.getMessage().contains("longer than " + HeaderJson.MAX_NUMBER_LENGTH), e.getMessage());
    }

    @Test
    void refusesNumbersBeyondTheRangeOfADouble() {
        for (String json : List.of("1e400", "[-1.5e309]", "9".repeat(400))) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> HeaderJson.parse(FILE, json), json);
            assertTrue(e.getMessage().contains("a number beyond the range of a double at character "), e.getMessage());
        }
    }

    private static String randomValue(SplittableRandom random, int depth) {
        int kind = random.nextInt(depth > 4 ? 6 : 8);
        String json = switch (kind) {
            case 0 -> Long.toString(random.nextLong() >> random.nextInt(64));
            case 1 -> Double.toString(Double.longBitsToDouble(random.nextLong()) % 1e300);
            case 2 -> random.nextBoolean() ? "1.5e" + (random.nextInt(700) - 392) : "-0." + random.nextInt(1000);
            case 3 -> randomString(random);
            case 4 -> List.of("true", "false", "null").get(random.nextInt(3));
            case 5 -> "\"" + "x".repeat(random.nextInt(3)) + "\"";
            case 6 -> {
                StringBuilder array = new StringBuilder("[");
                for (int n = random.nextInt(4), i = 0; i < n; i++) {
                    array.append(i > 0 ? "," : "").append(space(random)).append(randomValue(random, depth + 1));
                }
                yield array.append(space(random)).append(']').toString();
            }
            default -> {
                StringBuilder object = new StringBuilder("{");
                for (int n = random.nextInt(4), i = 0; i < n; i++) {
                    object.append(i > 0 ? "," : "").append(space(random)).append(randomString(random)).append(space(random))
                            .append(':').append(randomValue(random, depth + 1));
                }
                yield object.append('}').toString();
            }
        };
        return json.contains("NaN") || json.contains("Infinity") ? "0" : space(random) + json + space(random);
    }

    private static String randomString(SplittableRandom random) {
        StringBuilder s = new StringBuilder("\"");
        for (int n = random.nextInt(6), i = 0; i < n; i++) {
            switch (random.nextInt(5)) {
                case 0 -> s.append("\\").append("\"\\/bfnrt".charAt(random.nextInt(8)));
                case 1 -> s.append(String.format("\\u%04x", random.nextInt(0x10000)));
                case 2 -> s.append((char) (0xa0 + random.nextInt(0x2000)));
                default -> s.append((char) ('a' + random.nextInt(26)));
            }
        }
        return s.append('"').toString();
    }

    private static String space(SplittableRandom random) {
        return List.of("", " ", "\n", "\t ", "\r\n").get(random.nextInt(5));
    }
}
