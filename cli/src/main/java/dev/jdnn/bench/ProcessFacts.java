package dev.jdnn.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the benchmark reads about its own process: heap allocation, peak resident memory, machine load. */
public final class ProcessFacts {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ProcessFacts() {}

    /**
     * Java heap bytes the calling thread has allocated since it started. oneDNN's OpenMP workers are native
     * threads that never touch the Java heap, so the driving thread's count is the whole of it.
     */
    public static long threadAllocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Peak resident set size of this process in MB (VmHWM of /proc/self/status), or null where unreadable. */
    public static Double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String kilobytes = line.substring("VmHWM:".length()).replace("kB", "").strip();
                    return Long.parseLong(kilobytes) / 1024.0;
                }
            }
            return null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** The 1-minute load average of /proc/loadavg, or null where unreadable. */
    public static Double loadAverage1() {
        String all = loadAverage();
        return all == null ? null : Double.valueOf(all.substring(0, all.indexOf(' ')));
    }

    /** The 1, 5 and 15-minute load averages of /proc/loadavg, or null where unreadable. */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }
}
