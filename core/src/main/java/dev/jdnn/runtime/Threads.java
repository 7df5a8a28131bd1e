package dev.jdnn.runtime;

import dev.jdnn.internal.ffi.omp_h;
import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;

/**
 * OpenMP thread control. oneDNN's CPU engine runs its parallel loops on OpenMP; the thread count is a
 * per-calling-thread setting (an OpenMP ICV), so each Java thread that executes primitives sets its own.
 * <p><b>The bound.</b> A thread count, from a caller or a model file, must be 1 to {@link #MAX}; jdnn runs it on at
 * most {@link #available()} threads (the processors the JVM saw at start), since more only share the same cores
 * and each costs the process a thread. libgomp cannot report a thread it fails to create: it ends the process
 * ("Thread creation failed"). So before a Java thread first asks for a team larger than it had, jdnn starts that
 * many threads from Java and ends them; if the process cannot, that is a {@link ThreadStartException}, not a
 * killed process.
 */
public final class Threads {
    /**
     * The largest thread count jdnn accepts, a guard against typos and forged files: with 16,384 OpenMP threads on a
     * 2-core machine the JVM died of a segmentation fault (4,096 still ran). Counts above {@link #available()} are
     * accepted and run on {@link #available()}.
     */
    public static final int MAX = 1024;

    private static final System.Logger LOG = System.getLogger(NativeLoader.LOGGER);
    private static final int AVAILABLE = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** The largest team each Java thread has shown it can start (its OpenMP pool keeps them). */
    private static final ThreadLocal<int[]> PROVEN = ThreadLocal.withInitial(() -> new int[] {1});

    private Threads() {}

    /** The most threads jdnn runs per call: the processors available to the JVM when jdnn started. */
    public static int available() {
        return AVAILABLE;
    }

    /**
     * The threads jdnn runs for a count of {@code n}: {@code min(n, }{@link #available()}{@code )}.
     *
     * @throws IllegalArgumentException unless {@code 1 <= n <= }{@link #MAX}
     */
    public static int bounded(int n) {
        if (n <= 0 || n > MAX) throw new IllegalArgumentException("threads must be 1.." + MAX + ", got " + n);
        if (n <= AVAILABLE) return n;
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "{0} threads asked for; running {1}, the processors available", n, AVAILABLE);
        }
        return AVAILABLE;
    }

    /**
     * Sets the OpenMP team size for parallel regions started by the calling thread to {@link #bounded}{@code (n)}.
     *
     * @throws IllegalArgumentException unless {@code 1 <= n <= }{@link #MAX}
     * @throws ThreadStartException if this thread has not run such a team before and the process cannot start its
     *         threads now
     */
    public static void set(int n) {
        int team = bounded(n);
        int[] proven = PROVEN.get();
        if (team > proven[0]) {
            probe(team - 1);
            proven[0] = team;
        }
        NativeLoader.symbols();
        omp_h.omp_set_num_threads(team);
    }

    /** The team size the calling thread's next parallel region would get. */
    public static int max() {
        NativeLoader.symbols();
        return omp_h.omp_get_max_threads();
    }

    /**
     * Starts {@code thread}, turning the JVM's failure to create it ({@code OutOfMemoryError: unable to create
     * native thread}) into a {@link ThreadStartException}.
     */
    public static void start(Thread thread) {
        try {
            thread.start();
        } catch (OutOfMemoryError e) {
            throw new ThreadStartException("cannot start thread " + thread.getName() + ": " + e.getMessage()
                    + "; the process's thread limit (ulimit -u) or memory is reached: use fewer threads", e);
        }
    }

    /** Starts {@code count} threads that live at once, then ends them: what OpenMP is about to need. */
    private static void probe(int count) {
        CountDownLatch release = new CountDownLatch(1);
        Thread[] started = new Thread[count];
        int n = 0;
        try {
            for (; n < count; n++) {
                started[n] = Thread.ofPlatform().daemon().name("jdnn-thread-probe").unstarted(() -> await(release));
                start(started[n]);
            }
        } catch (ThreadStartException e) {
            throw new ThreadStartException("cannot start the " + (count + 1) + "-thread OpenMP team asked for: only "
                    + (n + 1) + " thread(s) could run at once; the process's thread limit (ulimit -u) or memory is"
                    + " reached: use fewer threads", e.getCause());
        } finally {
            release.countDown();
            for (int i = 0; i < n; i++) join(started[i]);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
