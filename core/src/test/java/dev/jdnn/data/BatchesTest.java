package dev.jdnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchesTest {
    private static final int IMAGE = 12;

    @Test
    void batchesCoverTheDataInOrderWithASmallerLastBatch() {
        Dataset data = DatasetTest.numbered(25).tail(23); // a view, so that row mapping is exercised
        Batches batches = data.batches(10);
        assertEquals(3, batches.count());
        assertEquals(10, batches.size(0));
        assertEquals(3, batches.size(2));
        float[] images = new float[10 * IMAGE];
        int[] labels = new int[10];

        assertEquals(3, batches.copy(2, images, labels));

        for (int i = 0; i < 3; i++) {
            int image = 2 + 20 + i;
            for (int v = 0; v < IMAGE; v++) assertEquals(image * 100 + v, images[i * IMAGE + v], "row " + i);
            assertEquals(image % 3, labels[i]);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> batches.size(3));
        assertThrows(IndexOutOfBoundsException.class, () -> batches.copy(0, new float[9 * IMAGE], labels));
    }

    @Test
    void shuffledBatchesFollowTheOrderIntoSegments() {
        Dataset data = DatasetTest.numbered(50);
        Batches batches = data.batches(8);
        batches.shuffle(new Random(5));
        int[] order = batches.order();
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        int[] identity = new int[50];
        Arrays.setAll(identity, i -> i);
        assertArrayEquals(identity, sorted, "the order stays a permutation");
        assertFalse(Arrays.equals(identity, order));

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment images = arena.allocate(8L * IMAGE * Float.BYTES, 64);
            MemorySegment labels = arena.allocate(8L * Integer.BYTES, 64);
            for (int b = 0; b < batches.count(); b++) {
                int n = batches.copy(b, images, labels);
                for (int i = 0; i < n; i++) {
                    int image = order[b * 8 + i];
                    for (int v = 0; v < IMAGE; v++) {
                        assertEquals(image * 100 + v, images.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * IMAGE + v));
                    }
                    assertEquals(image % 3, labels.getAtIndex(ValueLayout.JAVA_INT, i));
                }
            }
            MemorySegment small = arena.allocate(7L * IMAGE * Float.BYTES);
            assertThrows(IndexOutOfBoundsException.class, () -> batches.copy(0, small, labels));
        }
    }

    @Test
    void copyingBatchesAllocatesNothing() {
        // W1's shape: 100 images of 1 x 28 x 28 per batch.
        int count = 1000;
        Dataset data = Dataset.of(new float[count * 784], count, 1, 28, 28, new int[count], Dataset.numberedClasses(10));
        Batches batches = data.batches(100);
        float[] images = new float[100 * 784];
        int[] labels = new int[100];
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment imageSegment = arena.allocate(100L * 784 * Float.BYTES, 64);
            MemorySegment labelSegment = arena.allocate(100L * Integer.BYTES, 64);
            Random random = new Random(1);
            int rounds = 2000;
            for (int warmUp = 0; warmUp < 3; warmUp++) {
                copyAll(batches, rounds, images, labels, imageSegment, labelSegment, random);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            copyAll(batches, rounds, images, labels, imageSegment, labelSegment, random);
            long perBatch = (threads.getCurrentThreadAllocatedBytes() - before) / (rounds * 2L * batches.count());
            assertTrue(perBatch < 64, "allocated " + perBatch + " bytes per batch");
        }
    }

    private static void copyAll(Batches batches, int rounds, float[] images, int[] labels, MemorySegment imageSegment,
                                MemorySegment labelSegment, Random random) {
        for (int r = 0; r < rounds; r++) {
            batches.shuffle(random);
            for (int b = 0; b < batches.count(); b++) {
                batches.copy(b, images, labels);
                batches.copy(b, imageSegment, labelSegment);
            }
        }
    }
}
