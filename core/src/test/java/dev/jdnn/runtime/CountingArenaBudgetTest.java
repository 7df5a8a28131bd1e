package dev.jdnn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: jdnn's allocator checked each allocation against the machine's memory and swap, not the sum of what
 * it holds, so a model whose buffers each fit but together did not (a 130 KB model file asking for 8 GB in all)
 * was allocated until the kernel or the heap gave out. In a child JVM with a budget of 200 MB
 * ({@value CountingArena#BUDGET_PROPERTY}), so that the test needs no more than 160 MB.
 */
class CountingArenaBudgetTest {
    @Test
    void theSumOfWhatJdnnHoldsIsCheckedNotEachAllocationAlone() throws Exception {
        ChildJvm.Result result = ChildJvm.await(ChildJvm.java(List.of("--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "-D" + CountingArena.BUDGET_PROPERTY + "=200000000",
                NativeBudgetProbe.class.getName()), Map.of()));
        assertEquals(0, result.exitCode(), result.output());
        assertEquals(List.of("allocated 1", "allocated 2", "refused: cannot allocate 80000000 bytes: with the"
                        + " 160000000 bytes jdnn holds already, more than the 200000000 bytes of memory and swap of this"
                        + " machine", "live after close: 0"), result.output().lines().toList());
    }
}
