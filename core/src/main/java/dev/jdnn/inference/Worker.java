package dev.jdnn.inference;

import dev.jdnn.runtime.ThreadStartException;
import dev.jdnn.runtime.Threads;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * A daemon thread that runs one plan at a time on one lane of a predictor, for the parts of a batch the
 * calling thread does not run itself. The hand-off is two volatile counters, watched for a short while
 * (waking a parked thread takes tens of microseconds, more on a busy machine) and then waited for with
 * park/unpark; it allocates nothing. The thread's OpenMP team size is set once: nothing else runs on it.
 */
final class Worker implements Runnable {
    /** How long either side watches the counters before parking: about one batch-1 prediction. */
    private static final long SPIN_NANOS = 100_000;

    private final Lane lane;
    private final Thread thread;
    private volatile BatchPlan plan;
    private volatile long requested;
    private volatile long finished;
    private volatile boolean stopping;
    private volatile Thread caller;
    private volatile Throwable failure;

    /**
     * A worker on a thread of {@code factory}, started.
     *
     * @throws ThreadStartException if the thread cannot be started
     */
    Worker(Lane lane, String name, ThreadFactory factory) {
        this.lane = lane;
        this.thread = factory.newThread(this);
        thread.setName(name);
        thread.setDaemon(true);
        Threads.start(thread);
    }

    /** Starts running {@code next} on this worker; {@link #await} waits for it. */
    void start(BatchPlan next) {
        plan = next;
        caller = Thread.currentThread();
        requested++;
        LockSupport.unpark(thread);
    }

    /** Waits until the plan given to {@link #start} has run; rethrows what it threw. */
    void await() {
        long start = System.nanoTime();
        while (finished != requested && System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
        while (finished != requested) LockSupport.park(this);
        Throwable thrown = failure;
        if (thrown != null) {
            failure = null;
            throw new IllegalStateException("a predictor worker failed: " + thrown, thrown);
        }
    }

    Thread thread() {
        return thread;
    }

    @Override
    public void run() {
        Threads.set(lane.threads());
        long done = 0;
        while (true) {
            long idle = System.nanoTime();
            while (requested == done && !stopping && System.nanoTime() - idle < SPIN_NANOS) Thread.onSpinWait();
            while (requested == done && !stopping) LockSupport.park(this);
            if (stopping) return;
            try {
                plan.run(lane.stream());
            } catch (Throwable t) {
                failure = t;
            }
            done++;
            finished = done;
            LockSupport.unpark(caller);
        }
    }

    /** Stops the thread after the plan it may be running, and waits for it to end. */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
