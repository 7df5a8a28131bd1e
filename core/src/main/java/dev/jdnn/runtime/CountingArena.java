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
    private static final long SURELY_AVAILABLE = 1L << 30;

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
     * The physical memory plus swap of this machine (or of its container), in bytes: no allocation larger than
     * this can be zeroed, and where the kernel overcommits, trying would end the process instead of failing.
     */
    public static long machineBytes() {
        return MachineMemory.BYTES;
    }

    /**
     * True when {@code bytes} is more than {@link #machineBytes()}. Sizes under 1 GiB answer without asking:
     * reading the machine's memory loads the JDK's management classes, tens of milliseconds of a cold start.
     */
    public static boolean exceedsMachine(double bytes) {
        return bytes >= SURELY_AVAILABLE && bytes > MachineMemory.BYTES;
    }

    /**
     * @throws OutOfMemoryError before asking the allocator, for a size larger than {@link #machineBytes()}
     */
    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (exceedsMachine(byteSize)) {
            throw new OutOfMemoryError("cannot allocate " + byteSize + " bytes: more than the " + MachineMemory.BYTES
                    + " bytes of memory and swap of this machine");
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
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long bytes = os.getTotalMemorySize() + os.getTotalSwapSpaceSize();
            return bytes > 0 ? bytes : Long.MAX_VALUE;
        }
    }
}
