package dev.jdnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InferenceBenchmarkTest {
    @Test
    void percentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) sorted[i] = i + 1;
        assertEquals(50, InferenceBenchmark.percentile(sorted, 0.50));
        assertEquals(99, InferenceBenchmark.percentile(sorted, 0.99));
        assertEquals(100, InferenceBenchmark.percentile(sorted, 1.0));
        assertEquals(7, InferenceBenchmark.percentile(new long[] {7}, 0.99));
        // 10,000 values, as W1 times: the 5,000th and the 9,900th.
        long[] many = new long[10_000];
        for (int i = 0; i < many.length; i++) many[i] = i + 1;
        assertEquals(5_000, InferenceBenchmark.percentile(many, 0.50));
        assertEquals(9_900, InferenceBenchmark.percentile(many, 0.99));
    }
}
