package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** bin/jdnn spark's options out of range are bad usage (exit 2, one line), found before a Spark session starts. */
class SparkOptionsTest {
    @Test
    void outOfRangeOptionsAreRefusedWithTheRange() {
        assertRefused("jdnn: --repeat 0 is out of range; allowed: 1 to 1000",
                "spark", "predict", "--model", "m.jdnn", "--repeat", "0");
        assertRefused("jdnn: --batch-size 0 is out of range; allowed: 1 to 65536",
                "spark", "predict", "--model", "m.jdnn", "--batch-size", "0");
        assertRefused("jdnn: give --repeat or --output, not both",
                "spark", "predict", "--model", "m.jdnn", "--repeat", "2", "--output", "out");
        assertRefused("jdnn: give --dataset or --data, not both",
                "spark", "predict", "--model", "m.jdnn", "--dataset", "fashion-mnist", "--data", "d");
        assertRefused("jdnn: --workers 0 is out of range; allowed: 1 or more", "spark", "train", "--workers", "0");
        assertRefused("jdnn: give --dataset or --data, not both",
                "spark", "train", "--dataset", "fashion-mnist", "--data", "d");
    }

    @Test
    void sparkWithoutASubcommandPrintsItsUsage() {
        Run run = Run.of("spark");
        assertEquals(0, run.status());
        assertTrue(run.stdout().contains("predict") && run.stdout().contains("train"), run.stdout());
    }

    private static void assertRefused(String message, String... args) {
        Run run = Run.of(args);
        assertEquals(2, run.status(), run.stderr());
        assertEquals(message, run.stderr().strip());
    }
}
