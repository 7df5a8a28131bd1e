package dev.jdnn.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A shared arena that counts the bytes allocated through it, process-wide, so tests and benchmarks can
 * prove that a training step or a prediction allocates no off-heap memory, and that closed owners free all of it.
 */
public final class CountingArena implements Arena {
    private static final AtomicLong ALLOCATED = new AtomicLong();
    private static final AtomicLong LIVE = new AtomicLong();

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

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
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
}
