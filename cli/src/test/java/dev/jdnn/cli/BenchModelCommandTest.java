package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bench model FILE}: the JSON contract of quick runs on an ONNX file and a jdnn model file, with and without
 * ONNX Runtime, and bad usage. No timing is asserted; the comparison's same-model check is.
 */
class BenchModelCommandTest {
    private static final Path ONNX = Path.of("../core/src/test/resources/fixtures/onnx-import/residual_opset13.onnx");
    private static final Path JDNN_MODEL = Path.of("../core/src/test/resources/dev/jdnn/golden/seed-example-v1.jdnn");
    private static final Path ORT_JAR = Path.of(System.getProperty("user.home"),
            ".m2/repository/com/microsoft/onnxruntime/onnxruntime/1.29.0");

    @Test
    void aQuickRunOfAnOnnxFileEndsWithItsFigures() throws IOException {
        JsonNode json = figures("bench", "model", ONNX.toString(), "--batch", "1,8", "--threads", "1", "--quick",
                "--json");
        for (String key : List.of("b1_p50_us", "b1_p99_us", "b8_ips")) {
            assertTrue(json.path(key).isNumber() && json.get(key).asDouble() > 0, key + " = " + json.get(key));
        }
        assertTrue(json.get("b1_p99_us").asDouble() >= json.get("b1_p50_us").asDouble(), "p99 below p50: " + json);
        assertTrue(json.path("b1_alloc_bytes").isNumber() && json.get("b1_alloc_bytes").asDouble() >= 0, json.toString());
        assertEquals("[1,28,28]", json.get("input_shape").toString());
        assertEquals(10, json.get("outputs").asInt());
        assertEquals("f32", json.get("precision").asText());
        assertEquals(1, json.get("b8_threads").asInt());
        assertTrue(!json.has("onnxruntime") && !json.has("ratios") && !json.has("b32_ips"), json.toString());
    }

    /** The comparison: ORT runs the same file with the same counts, and computes the same outputs for image 0. */
    @Test
    void theComparisonRunsOnnxRuntimeOnTheSameFile() throws IOException {
        assumeTrue(Files.isDirectory(ORT_JAR), "ONNX Runtime 1.29.0 is not in ~/.m2 for the peer's build");
        JsonNode json = figures("bench", "model", ONNX.toString(), "--batch", "1,4", "--quick",
                "--compare-onnxruntime", "--json");
        JsonNode ort = json.get("onnxruntime");
        for (String key : List.of("b1_p50_us", "b1_p99_us", "b4_ips")) {
            assertTrue(ort.path(key).isNumber() && ort.get(key).asDouble() > 0, "onnxruntime." + key + " = " + ort);
            assertEquals(json.get(key).asDouble() / ort.get(key).asDouble(), json.get("ratios").get(key).asDouble(),
                    0.001, "ratios." + key);
        }
        assertEquals("onnxruntime", ort.get("engine").asText());
        double difference = json.get("onnxruntime_check").get("image0_max_rel_diff").asDouble(-1);
        assertTrue(difference >= 0 && difference <= 1e-4, "jdnn and ORT differ on image 0 by " + difference);
    }

    @Test
    void aJdnnModelFileIsMeasuredToo() throws IOException {
        JsonNode json = figures("bench", "model", JDNN_MODEL.toString(), "--batch", "1", "--quick", "--json");
        assertTrue(json.get("b1_p50_us").asDouble() > 0, json.toString());
    }

    @Test
    void badUsageExitsWithStatus2() {
        String file = ONNX.toString();
        assertRefused("needs a FILE", "bench", "model", "--quick");
        assertRefused("--what does not apply to bench model", "bench", "model", file, "--what", "infer");
        assertRefused("--compare-native does not apply", "bench", "model", file, "--compare-native");
        assertRefused("--batch does not apply to bench w1", "bench", "w1", "--batch", "4");
        assertRefused("bench w1 takes no FILE", "bench", "w1", file);
        assertRefused("--batch 0 is out of range", "bench", "model", file, "--batch", "1,0");
        assertRefused("--threads 0 is out of range", "bench", "model", file, "--threads", "0");
        assertRefused("--precision 'int4' is not one of", "bench", "model", file, "--precision", "int4");
        assertRefused("known: w1, model", "bench", "w2");
        assertRefused("no-such.onnx", "bench", "model", "no-such.onnx", "--quick");
    }

    private static void assertRefused(String phrase, String... args) {
        Run run = Run.of(args);
        assertEquals(2, run.status(), String.join(" ", args) + ": " + run.stderr());
        assertTrue(run.stderr().contains(phrase), phrase + " not in: " + run.stderr());
    }

    private static JsonNode figures(String... args) throws IOException {
        Run run = Run.of(args);
        assertEquals(0, run.status(), run.stdout() + run.stderr());
        List<String> lines = run.stdout().strip().lines().toList();
        assertTrue(lines.size() > 1, "human-readable lines should come before the JSON: " + run.stdout());
        return new ObjectMapper().readTree(lines.getLast());
    }
}
