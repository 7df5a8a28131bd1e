package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, leaks and soak: {@link SoakRun} in a JVM of its own does 1,000,000 batch-1 predictions, 10,000 predictor
 * create/use/close cycles and 2,000 training steps on one model, sampling its memory 20 times per phase. From the
 * sample after warm-up (10% of the predictions, 30% of the cycles, 20% of the steps) to the last one:
 * <ul>
 * <li>jdnn's native bytes (CountingArena) do not change at all: live bytes exactly equal, and during predictions and
 *     training not one byte allocated;
 * <li>all FFM memory (NMT's Other: counted arenas and jdnn's confined scratch arenas) grows by at most 64 KiB;
 * <li>what is malloc'ed outside the JVM's accounting (glibc's bytes in use minus NMT's malloc: oneDNN, libgomp) grows
 *     by at most 1 MiB, from the median of three samples at the warm-up to the median of the last three (one
 *     sample can catch the JVM mid-malloc, and show a transient of either sign). Over
 *     800,000 predictions that catches a leak of 2 bytes per call; over 6,000 cycles, one of 175 bytes per predictor
 *     (a oneDNN primitive or stream takes kilobytes); over 1,400 steps, one of 750 bytes;
 * <li>the anonymous resident memory grows by at most 16 MiB. It is a high-water mark: glibc keeps freed memory of
 *     the JVM compilers' transient arenas (tens of MiB while C2 works) and caches the stacks of ended threads, so it
 *     can rise without a leak; 16 MiB is what a leak of 19 bytes per prediction would add.
 * </ul>
 * Creating predictors exercises more Java code than predicting: the JIT compiles it during the first 2,000 to 2,500
 * cycles (NMT rises by 13 MiB there and falls back; the resident set keeps the high-water mark), hence the longer
 * warm-up of that phase.
 * The child runs with a fixed, pre-touched heap (so the heap adds nothing to the resident set as it is used) and asks
 * the JVM to deflate idle object monitors every second instead of every minute: each 2-thread predictor's worker
 * thread is joined, which inflates a monitor, and NMT would otherwise show up to a few MiB of them awaiting
 * deflation. The figures are printed for RELIABILITY.md.
 */
class SoakTest {
    private static final int PREDICTIONS = 1_000_000;
    private static final int CYCLES = 10_000;
    private static final int EPOCHS = 100;
    private static final long FFM_SLACK_KB = 64;
    private static final long OUTSIDE_JVM_SLACK_KB = 1024;
    private static final long RSS_SLACK_KB = 16 * 1024;

    private record Sample(String phase, long count, double seconds, ProcessMemory memory) {}

    @TempDir
    Path folder;

    @Test
    void memoryIsFlatAfterWarmUp() throws IOException, InterruptedException {
        List<String> output = runChild();
        List<Sample> samples = new ArrayList<>();
        for (String line : output) {
            if (!line.startsWith("sample ")) continue;
            String[] parts = line.split(" ", 5);
            samples.add(new Sample(parts[1], Long.parseLong(parts[2]), Double.parseDouble(parts[3]),
                    ProcessMemory.parse(parts[4])));
        }
        print(samples);
        assertTrue(output.contains("check predict bit-identical=true"), "the first image's logits changed: " + output);
        checkFlat(samples, "predict", PREDICTIONS / 10, true);
        checkFlat(samples, "cycles", 3 * CYCLES / 10, false);
        checkFlat(samples, "train", EPOCHS / 5 * SoakRun.STEPS_PER_EPOCH, true);
        String train = output.stream().filter(l -> l.startsWith("check train")).findFirst().orElseThrow();
        String[] losses = train.replaceAll("[^0-9. ]", "").strip().split("\\s+");
        assertTrue(Double.parseDouble(losses[1]) < Double.parseDouble(losses[0]) / 2, "training does not train: " + train);
    }

    private List<String> runChild() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:NativeMemoryTracking=summary",
                "-XX:+UnlockDiagnosticVMOptions", "-XX:GuaranteedAsyncDeflationInterval=1000",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        String cache = System.getProperty("jdnn.cacheDir");
        if (cache != null) command.add("-Djdnn.cacheDir=" + cache);
        command.addAll(List.of(SoakRun.class.getName(), String.valueOf(PREDICTIONS), String.valueOf(CYCLES),
                String.valueOf(EPOCHS)));
        Path log = folder.resolve("soak.out");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!child.waitFor(15, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            throw new AssertionError("the soak did not finish in 15 minutes: " + Files.readString(log));
        }
        List<String> output = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), String.join("\n", output));
        return output;
    }

    private static long medianOutsideJvm(List<Sample> three) {
        return three.stream().mapToLong(s -> s.memory().outsideJvmKb()).sorted().skip(1).findFirst().orElseThrow();
    }

    private static void checkFlat(List<Sample> samples, String phase, long warmUp, boolean allocatesNothing) {
        List<Sample> mine = samples.stream().filter(s -> s.phase().equals(phase)).toList();
        ProcessMemory from = mine.stream().filter(s -> s.count() == warmUp).findFirst().orElseThrow().memory();
        ProcessMemory to = mine.getLast().memory();
        String where = phase + " from " + warmUp + " to " + mine.getLast().count() + ": ";
        assertEquals(from.arenaLive(), to.arenaLive(), where + "jdnn's live native bytes");
        if (allocatesNothing) assertEquals(from.arenaAllocated(), to.arenaAllocated(), where + "jdnn's allocations");
        assertEquals(from.threads(), to.threads(), where + "live threads");
        assertTrue(to.nmtOtherKb() - from.nmtOtherKb() <= FFM_SLACK_KB, where + "FFM memory (NMT Other) grew from "
                + from.nmtOtherKb() + " to " + to.nmtOtherKb() + " KiB");
        if (from.outsideJvmKb() >= 0) {
            // glibc's figure and NMT's are read one after the other, so a JVM malloc in between (a JIT compilation)
            // shows in one sample as a transient of up to 6 MiB, either way; a leak raises every later sample, so the
            // median of three samples, at the warm-up and at the end, drops the transient and still shows the leak.
            int first = mine.indexOf(mine.stream().filter(s -> s.count() == warmUp).findFirst().orElseThrow());
            long start = medianOutsideJvm(mine.subList(first, first + 3));
            long end = medianOutsideJvm(mine.subList(mine.size() - 3, mine.size()));
            assertTrue(end - start <= OUTSIDE_JVM_SLACK_KB, where + "malloc outside the JVM grew from " + start + " to "
                    + end + " KiB (medians of three samples from the warm-up and of the last three)");
        }
        assertTrue(to.rssAnonKb() - from.rssAnonKb() <= RSS_SLACK_KB, where + "anonymous resident memory grew from "
                + from.rssAnonKb() + " to " + to.rssAnonKb() + " KiB");
    }

    private static void print(List<Sample> samples) {
        System.out.println("phase   count      s  VmRSS_MiB RssAnon_MiB outsideJVM_KiB NMT_MiB NMTother_KiB arena_live");
        for (Sample s : samples) {
            ProcessMemory m = s.memory();
            System.out.printf(Locale.ROOT, "%-7s %8d %6.1f %9.1f %11.1f %14d %7.1f %12d %10d%n", s.phase(), s.count(),
                    s.seconds(), m.rssKb() / 1024.0, m.rssAnonKb() / 1024.0, m.outsideJvmKb(), m.nmtCommittedKb() / 1024.0,
                    m.nmtOtherKb(), m.arenaLive());
        }
    }
}
