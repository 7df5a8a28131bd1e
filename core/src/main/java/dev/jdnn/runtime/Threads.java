package dev.jdnn.runtime;

import dev.jdnn.internal.ffi.omp_h;

/**
 * OpenMP thread control. oneDNN's CPU engine runs its parallel loops on OpenMP; the thread count is a
 * per-calling-thread setting (an OpenMP ICV), so each Java thread that executes primitives sets its own.
 */
public final class Threads {
    /**
     * The largest team size jdnn asks for. libgomp does not report a thread it cannot create: with 16,384 threads
     * on a 2-core machine the JVM died of a segmentation fault (4,096 still ran), so a count from a model file or a
     * typo must be refused here, long before that.
     */
    public static final int MAX = 1024;

    private Threads() {}

    /**
     * Sets the OpenMP team size for parallel regions started by the calling thread.
     *
     * @throws IllegalArgumentException unless {@code 1 <= n <= }{@link #MAX}
     */
    public static void set(int n) {
        if (n <= 0 || n > MAX) throw new IllegalArgumentException("threads must be 1.." + MAX + ", got " + n);
        NativeLoader.symbols();
        omp_h.omp_set_num_threads(n);
    }

    /** The team size the calling thread's next parallel region would get. */
    public static int max() {
        NativeLoader.symbols();
        return omp_h.omp_get_max_threads();
    }
}
