package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.data.Datasets;
import dev.jdnn.runtime.OneDnn;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench w1}: the JSON contract of a quick run, and bad usage. No timing is asserted. */
class BenchCommandTest {
    @Test
    void quickRunEndsWithTheW1Figures() throws Exception {
        assumeTrue(Files.isDirectory(Datasets.DEBIAN_FASHION_MNIST),
                "Fashion-MNIST (Debian's dataset-fashion-mnist) is not installed");
        Run run = Run.of("bench", "w1", "--quick", "--json");
        assertEquals(0, run.status(), run.stdout());
        List<String> lines = run.stdout().strip().lines().toList();
        assertTrue(lines.size() > 1, "human-readable lines should come before the JSON: " + run.stdout());
        JsonNode json = new ObjectMapper().readTree(lines.getLast());

        for (String key : List.of("train_ips_t1", "train_ips_t2", "infer_b1_p50_us", "infer_b1_p99_us",
                "infer_b256_ips", "rss_mb", "fit_ips", "train_step_ms_p50_t1", "train_step_ms_max_t2")) {
            assertTrue(json.path(key).isNumber() && json.get(key).asDouble() > 0, key + " = " + json.get(key));
        }
        assertTrue(json.get("infer_b1_p99_us").asDouble() >= json.get("infer_b1_p50_us").asDouble(),
                "p99 below p50: " + json);
        double accuracy = json.path("test_acc").asDouble(-1);
        assertTrue(accuracy > 0.5 && accuracy <= 1, "test_acc after one quick epoch = " + json.get("test_acc"));
        for (String key : List.of("infer_b1_alloc_bytes", "train_heap_bytes_per_step_t1",
                "train_heap_bytes_per_step_t2")) {
            assertTrue(json.path(key).isNumber() && json.get(key).asDouble() >= 0, key + " = " + json.get(key));
        }
        assertEquals(0, json.get("train_offheap_growth_bytes_t1").asLong(), "off-heap bytes allocated by timed steps");
        assertEquals(0, json.get("train_offheap_growth_bytes_t2").asLong(), "off-heap bytes allocated by timed steps");
        assertTrue(json.has("cold_start_ms") && json.has("cold_start_aot_ms"),
                "cold_start_ms and cold_start_aot_ms must be reported, if only as null");
        if (OneDnn.supportsBf16()) {
            for (String key : List.of("infer_b1_p50_us_bf16", "infer_b1_p99_us_bf16", "infer_b256_ips_bf16",
                    "bf16_speedup_b1", "bf16_speedup_b256")) {
                assertTrue(json.path(key).isNumber() && json.get(key).asDouble() > 0, key + " = " + json.get(key));
            }
            double bf16 = json.path("test_acc_bf16").asDouble(-1);
            assertTrue(Math.abs(bf16 - accuracy) <= 0.01, "test_acc_bf16 " + bf16 + " is far from test_acc " + accuracy);
            assertEquals(100 * (accuracy - bf16), json.get("test_acc_bf16_drop_points").asDouble(), 0.02,
                    "test_acc_bf16_drop_points");
        }
        assertEquals("predictor", json.get("infer_path").asText());
        assertEquals("jdnn", json.get("engine").asText());
        assertTrue(json.get("quick").asBoolean());
        assertEquals(1, json.get("epochs").asInt());
        for (String key : List.of("version", "isa", "notes")) {
            assertTrue(!json.path(key).asText().isBlank(), key + " = " + json.get(key));
        }
    }

    /** {@code --what accuracy}: the seeded test-accuracy run alone, repeatable bit for bit. */
    @Test
    void accuracyRunTrainsTheGivenSeedAndNothingElse() throws Exception {
        assumeTrue(Files.isDirectory(Datasets.DEBIAN_FASHION_MNIST),
                "Fashion-MNIST (Debian's dataset-fashion-mnist) is not installed");
        List<JsonNode> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Run run = Run.of("bench", "w1", "--what", "accuracy", "--seed", "3", "--threads", "1", "--quick", "--json");
            assertEquals(0, run.status(), run.stdout());
            runs.add(new ObjectMapper().readTree(run.stdout().strip().lines().toList().getLast()));
        }
        JsonNode json = runs.getFirst();
        assertEquals("accuracy", json.get("what").asText());
        assertEquals(3, json.get("seed").asLong());
        double accuracy = json.path("test_acc").asDouble(-1);
        assertTrue(accuracy > 0.5 && accuracy <= 1, "test_acc after one quick epoch = " + json.get("test_acc"));
        assertEquals(accuracy, runs.getLast().get("test_acc").asDouble(), "the same seed must give the same accuracy");
        for (String key : List.of("train_ips_t1", "infer_b1_p50_us", "cold_start_ms")) {
            assertTrue(!json.has(key), key + " measured by an accuracy run: " + json);
        }
    }

    @Test
    void badUsageExitsWithStatus2() {
        assertEquals(2, Run.of("bench", "w2", "--quick").status(), "unknown workload");
        assertEquals(2, Run.of("bench", "w1", "--what", "everything").status(), "unknown --what");
        assertEquals(2, Run.of("bench", "w1", "--threads", "0").status(), "zero threads");
        assertEquals(2, Run.of("bench", "w1", "--epochs", "0").status(), "zero epochs");
        assertEquals(2, Run.of("bench").status(), "no workload");
        assertEquals(2, Run.of("bench", "w1", "--what", "train", "--compare-onnxruntime").status(),
                "ONNX Runtime compares inference only");
        assertEquals(2, Run.of("bench", "w1", "--what", "accuracy", "--compare-native").status(),
                "the C++ reference compares speed, which an accuracy run does not measure");
        assertEquals(2, Run.of("bench", "w1", "--seed", "x").status(), "a seed that is not a number");
    }
}
