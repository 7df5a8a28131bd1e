package dev.jdnn.runtime;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;

/**
 * Run in a child JVM by the loader tests: loads oneDNN and prints its version, or the loader's error. With
 * {@value #THREADS_PROPERTY} = N, N threads released together make the first use of native code at once, each
 * through another entry point (the version, the engine, the OpenMP team size, a memory descriptor, the library
 * list), so that they race the loader (and, on an empty cache, the extraction). With {@value #PRELINK_PROPERTY}
 * = true, {@link Prelinker}'s threads start just before and race them too.
 * <p>Exit status 0: every thread loaded the same library; 3: every thread got the same {@link NativeLoadException}
 * (printed as {@code error=...}); 4: anything else, every thread's outcome printed.
 */
public final class LoaderProbe {
    static final String THREADS_PROPERTY = "jdnn.test.probeThreads";
    static final String PRELINK_PROPERTY = "jdnn.test.probePrelink";

    private LoaderProbe() {}

    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger(THREADS_PROPERTY, 1);
        CyclicBarrier start = new CyclicBarrier(threads);
        String[] outcomes = new String[threads];
        List<Thread> racers = new ArrayList<>();
        if (Boolean.getBoolean(PRELINK_PROPERTY)) Prelinker.startInBackground();
        for (int t = 0; t < threads; t++) {
            int index = t;
            racers.add(Thread.ofPlatform().start(() -> outcomes[index] = firstUse(index, start)));
        }
        for (Thread racer : racers) racer.join();
        TreeSet<String> distinct = new TreeSet<>(List.of(outcomes));
        if (distinct.size() == 1 && (distinct.first().startsWith("version=") || distinct.first().startsWith("error="))) {
            System.out.println(distinct.first());
            if (threads > 1) System.out.println(threads + " threads agree");
            System.exit(distinct.first().startsWith("version=") ? 0 : 3);
        }
        for (int t = 0; t < threads; t++) System.out.println("thread " + t + ": " + outcomes[t]);
        System.exit(4);
    }

    private static String firstUse(int index, CyclicBarrier start) {
        try {
            start.await();
            switch (index % 5) {
                case 0 -> OneDnn.version();
                case 1 -> Engine.cpu();
                case 2 -> Threads.set(1);
                case 3 -> {
                    try (Arena arena = Arena.ofConfined()) {
                        MemoryDesc.of(arena, DataType.F32, FormatTag.NC, 2, 3).byteSize();
                    }
                }
                default -> NativeLoader.loadedLibraries();
            }
            return "version=" + OneDnn.version() + " from=" + NativeLoader.loadedLibraries().getLast();
        } catch (NativeLoadException e) {
            return "error=" + e.getMessage();
        } catch (Throwable e) {
            return "failed=" + e;
        }
    }
}
