package dev.jdnn.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A shared arena that counts the bytes allocated through it, process-wide, so tests and benchmarks can
 * prove that a training step or a prediction allocates no off-heap memory, and that closed owners free all of it.
 */
public final class CountingArena implements Arena {
    private static final AtomicLong ALLOCATED = new AtomicLong();
    private static final AtomicLong LIVE = new AtomicLong();
    /**
     * A system property that sets {@link #machineBytes()} lower than the machine's memory and swap, read once:
     * a cap on the native memory jdnn takes.
     */
    public static final String BUDGET_PROPERTY = "jdnn.nativeMemoryBytes";
    private static final long BUDGET = Long.getLong(BUDGET_PROPERTY, 0);
    private static final long SURELY_AVAILABLE = BUDGET > 0 ? Math.min(BUDGET, 1L << 30) : 1L << 30;

    private final Arena delegate = Arena.ofShared();
    private final AtomicLong mine = new AtomicLong();

    /** Off-heap bytes allocated by every CountingArena since the JVM started (never decreases). */
    public static long allocatedBytes() {
        return ALLOCATED.get();
    }

    /** Off-heap bytes held by CountingArenas that are not closed yet: what a leak would leave behind. */
    public static long liveBytes() {
        return LIVE.get();
    }

    /**
     * The physical memory plus swap of this machine (or of its container), in bytes, or the lower budget set by
     * the system property {@value #BUDGET_PROPERTY}: no allocation larger than
     * this can be zeroed, and where the kernel overcommits, trying would end the process instead of failing.
     */
    public static long machineBytes() {
        return MachineMemory.BYTES;
    }

    /**
     * True when {@code bytes} is more than {@link #machineBytes()}. Sizes under 1 GiB (or the budget set by
     * {@value #BUDGET_PROPERTY}) answer without asking:
     * reading the machine's memory loads the JDK's management classes, tens of milliseconds of a cold start.
     */
    public static boolean exceedsMachine(double bytes) {
        return bytes >= SURELY_AVAILABLE && bytes > MachineMemory.BYTES;
    }

    /**
     * @throws OutOfMemoryError before asking the allocator, for a size larger than {@link #machineBytes()}, or one
     *     that would make the bytes all CountingArenas hold together larger: each allocation of a network may fit
     *     while all of them do not, and where the kernel overcommits, zeroing them would end the process (issue 20)
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (exceedsMachine(byteSize)) {
            throw new OutOfMemoryError("cannot allocate " + byteSize + " bytes: more than the " + MachineMemory.BYTES
                    + " bytes of memory and swap of this machine");
        }
        long live = LIVE.get();
        if (exceedsMachine((double) live + byteSize)) {
            throw new OutOfMemoryError("cannot allocate " + byteSize + " bytes: with the " + live + " bytes jdnn holds"
                    + " already, more than the " + MachineMemory.BYTES + " bytes of memory and swap of this machine");
        }
        MemorySegment segment = delegate.allocate(byteSize, byteAlignment);
        ALLOCATED.addAndGet(byteSize);
        LIVE.addAndGet(byteSize);
        mine.addAndGet(byteSize);
        return segment;
    }

    @Override
    public MemorySegment.Scope scope() {
        return delegate.scope();
    }

    @Override
    public void close() {
        delegate.close();
        LIVE.addAndGet(-mine.getAndSet(0));
    }

    /** Read once: the machine's memory does not change under a running JVM often enough to matter here. */
    private static final class MachineMemory {
        static final long BYTES = total();

        private static long total() {
            // A lower budget for tests: a child JVM proves the sum check without allocating the machine's memory.
            if (BUDGET > 0) return BUDGET;
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long bytes = os.getTotalMemorySize() + os.getTotalSwapSpaceSize();
            return bytes > 0 ? bytes : Long.MAX_VALUE;
        }
    }
}
