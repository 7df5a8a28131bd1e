package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.train.ParameterSync;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/**
 * The training loop's hook for data-parallel training: when it is called and with what, that a sync which changes
 * nothing changes no bit of the run, and that two runs averaging through it in two threads end with identical weights.
 */
class ParameterSyncTest {
    private static final Dataset DATA = SimpleCNNTest.crops(Datasets.embeddedDefault().train());

    private static SimpleCNN model() {
        return SimpleCNN.builder().inChannels(List.of(1, 6)).inFeatures(List.of(96, 16)).outChannels(12).outFeatures(10)
                .epochs(2).batchSize(50).seed(3).threads(1).progress(false).build();
    }

    @Test
    void aSyncIsCalledEveryIntervalAndAtEpochEndsWithTheWholeState() {
        List<long[]> calls = new ArrayList<>();
        try (SimpleCNN model = model()) {
            // 300 images in batches of 50: 6 steps an epoch. Interval 4: after steps 4, 6 (end of epoch 1), 8 and 12
            // (which ends epoch 2: no second call).
            model.synchronizeWith(new ParameterSync() {
                @Override
                public long interval() {
                    return 4;
                }

                @Override
                public void synchronize(List<MemorySegment> state) {
                    calls.add(state.stream().mapToLong(MemorySegment::byteSize).toArray());
                }
            });
            model.fit(DATA.head(300), DATA.slice(300, 400));
            var parameters = model.network().parameters();
            long[] expected = {parameters.values().byteSize(), parameters.state().byteSize(),
                    parameters.values().byteSize(), parameters.values().byteSize()}; // Adam's two moments
            assertEquals(4, calls.size());
            for (long[] call : calls) assertArrayEquals(expected, call);
        }
    }

    @Test
    void aSyncThatChangesNothingLeavesTheRunBitIdentical() {
        float[] alone;
        try (SimpleCNN model = model()) {
            model.fit(DATA.head(300), DATA.slice(300, 400));
            alone = model.network().parameters().values().toArray(ValueLayout.JAVA_FLOAT);
        }
        try (SimpleCNN model = model()) {
            model.synchronizeWith(new ParameterSync() {
                @Override
                public long interval() {
                    return 1;
                }

                @Override
                public void synchronize(List<MemorySegment> state) {
                    // Read everything, change nothing: the loop's layout moves around the call must be exact.
                    state.forEach(segment -> segment.toArray(ValueLayout.JAVA_FLOAT));
                }
            });
            model.fit(DATA.head(300), DATA.slice(300, 400));
            assertArrayEquals(alone, model.network().parameters().values().toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void twoRunsAveragingTheirStateEndEqualOnDifferentData() {
        CyclicBarrier barrier = new CyclicBarrier(2);
        float[][][] shared = new float[2][][];
        Dataset valid = DATA.slice(600, 700);
        List<CompletableFuture<float[]>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            int me = run;
            Dataset part = DATA.slice(300 * run, 300 * run + 300);
            runs.add(CompletableFuture.supplyAsync(() -> {
                try (SimpleCNN model = model()) {
                    model.synchronizeWith(new Averaging(me, barrier, shared));
                    model.fit(part, valid);
                    return model.network().parameters().values().toArray(ValueLayout.JAVA_FLOAT);
                }
            }));
        }
        float[] first = runs.get(0).join();
        assertArrayEquals(first, runs.get(1).join());
        try (SimpleCNN alone = model()) {
            alone.fit(DATA.head(300), valid);
            assertFalse(Arrays.equals(first, alone.network().parameters().values().toArray(ValueLayout.JAVA_FLOAT)));
        }
    }

    /** The mean of two runs' states, exchanged through arrays between two barriers. */
    private record Averaging(int me, CyclicBarrier barrier, float[][][] shared) implements ParameterSync {
        @Override
        public long interval() {
            return 2;
        }

        @Override
        public void synchronize(List<MemorySegment> state) {
            try {
                float[][] mine = state.stream().map(s -> s.toArray(ValueLayout.JAVA_FLOAT)).toArray(float[][]::new);
                shared[me] = mine;
                barrier.await();
                float[][] other = shared[1 - me];
                for (int b = 0; b < mine.length; b++) {
                    for (int i = 0; i < mine[b].length; i++) {
                        // The same order of operands on both runs: the mean is the same float on both.
                        float mean = (shared[0][b][i] + shared[1][b][i]) / 2;
                        state.get(b).setAtIndex(ValueLayout.JAVA_FLOAT, i, mean);
                    }
                }
                assertEquals(mine.length, other.length);
                barrier.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
