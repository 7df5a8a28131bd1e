package dev.jdnn.runtime;

import dev.jdnn.internal.ffi.omp_h;

/**
 * OpenMP thread control. oneDNN's CPU engine runs its parallel loops on OpenMP; the thread count is a
 * per-calling-thread setting (an OpenMP ICV), so each Java thread that executes primitives sets its own.
 */
public final class Threads {
    private Threads() {}

    /** Sets the OpenMP team size for parallel regions started by the calling thread; n must be positive. */
    public static void set(int n) {
        if (n <= 0) throw new IllegalArgumentException("threads must be > 0, got " + n);
        NativeLoader.symbols();
        omp_h.omp_set_num_threads(n);
    }

    /** The team size the calling thread's next parallel region would get. */
    public static int max() {
        NativeLoader.symbols();
        return omp_h.omp_get_max_threads();
    }
}
