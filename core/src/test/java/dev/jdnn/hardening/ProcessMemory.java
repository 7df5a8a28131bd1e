package dev.jdnn.hardening;

import dev.jdnn.runtime.CountingArena;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * One look at the memory of this process, from the sides that see different leaks: the resident set (VmRSS, and its
 * anonymous part RssAnon, which leaves out the pages of mapped files such as libdnnl's code), glibc's bytes in use
 * (mallinfo2: every malloc, the JVM's and oneDNN's), the JVM's native memory tracking (committed in all, and the part
 * of it that the JVM malloc'ed; -XX:NativeMemoryTracking=summary), and jdnn's CountingArena (allocated and live bytes,
 * exact). glibc's bytes minus the JVM's malloc are what oneDNN, libgomp and glibc's own overhead hold: the JVM's
 * compilers churn through megabytes of malloc while they work, which this difference leaves out. A figure that is
 * unavailable is -1.
 */
record ProcessMemory(long rssKb, long rssAnonKb, long mallocKb, long nmtCommittedKb, long nmtMallocKb,
                     long nmtOtherKb, long arenaAllocated, long arenaLive, int threads) {
    /** struct mallinfo2: ten size_t fields; uordblks (index 7) is the bytes in use in arenas, hblkhd (4) in mmaps. */
    private static final MemoryLayout MALLINFO2_LAYOUT =
            MemoryLayout.structLayout(MemoryLayout.sequenceLayout(10, ValueLayout.JAVA_LONG));
    private static final MethodHandle MALLINFO2 = mallinfo2();
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB\\s+malloc: (\\d+)KB");
    /** NMT's category of Unsafe.allocateMemory: every FFM arena's memory, jdnn's counted ones and its scratch ones. */
    private static final Pattern NMT_OTHER = Pattern.compile("-\\s+Other \\(reserved=(\\d+)KB, committed=(\\d+)KB");

    static ProcessMemory now() {
        long[] nmt = nmt();
        return new ProcessMemory(status("VmRSS:"), status("RssAnon:"), malloc(), nmt[0], nmt[1], nmt[2],
                CountingArena.allocatedBytes(), CountingArena.liveBytes(),
                ManagementFactory.getThreadMXBean().getThreadCount());
    }

    /** malloc'ed outside the JVM's own accounting: oneDNN, libgomp, glibc's overhead. */
    long outsideJvmKb() {
        return mallocKb < 0 || nmtMallocKb < 0 ? -1 : mallocKb - nmtMallocKb;
    }

    /** The fields as key=value pairs, for the child JVM's output. */
    String line() {
        return String.format(Locale.ROOT, "rss_kb=%d rss_anon_kb=%d malloc_kb=%d nmt_kb=%d nmt_malloc_kb=%d"
                + " nmt_other_kb=%d arena_allocated=%d arena_live=%d threads=%d", rssKb, rssAnonKb, mallocKb,
                nmtCommittedKb, nmtMallocKb, nmtOtherKb, arenaAllocated, arenaLive, threads);
    }

    /** Parses a line written by {@link #line()}. */
    static ProcessMemory parse(String line) {
        java.util.Map<String, Long> values = new java.util.HashMap<>();
        for (String field : line.strip().split("\\s+")) {
            int equals = field.indexOf('=');
            if (equals > 0) values.put(field.substring(0, equals), Long.parseLong(field.substring(equals + 1)));
        }
        return new ProcessMemory(values.get("rss_kb"), values.get("rss_anon_kb"), values.get("malloc_kb"),
                values.get("nmt_kb"), values.get("nmt_malloc_kb"), values.get("nmt_other_kb"), values.get("arena_allocated"),
                values.get("arena_live"), Math.toIntExact(values.get("threads")));
    }

    /** A kB figure of /proc/self/status, e.g. {@code VmRSS:}. */
    private static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) return Long.parseLong(line.replaceAll("\\D", ""));
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @SuppressWarnings("restricted") // glibc's mallinfo2 fills a struct the caller passes by value
    private static MethodHandle mallinfo2() {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("mallinfo2").map(address -> linker.downcallHandle(address,
                FunctionDescriptor.of(MALLINFO2_LAYOUT)))
                .orElse(null);
    }

    private static long malloc() {
        if (MALLINFO2 == null) return -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = (MemorySegment) MALLINFO2.invokeExact((java.lang.foreign.SegmentAllocator) arena);
            return (info.getAtIndex(ValueLayout.JAVA_LONG, 7) + info.getAtIndex(ValueLayout.JAVA_LONG, 4)) / 1024;
        } catch (Throwable e) {
            return -1;
        }
    }

    /** NMT's total committed, total malloc and committed Other, in kB. */
    private static long[] nmt() {
        try {
            Object summary = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            Matcher total = NMT_TOTAL.matcher(String.valueOf(summary));
            Matcher other = NMT_OTHER.matcher(String.valueOf(summary));
            if (total.find()) {
                return new long[] {Long.parseLong(total.group(2)), Long.parseLong(total.group(3)),
                        other.find() ? Long.parseLong(other.group(2)) : 0};
            }
        } catch (Exception e) {
            return new long[] {-1, -1, -1};
        }
        return new long[] {-1, -1, -1};
    }
}
