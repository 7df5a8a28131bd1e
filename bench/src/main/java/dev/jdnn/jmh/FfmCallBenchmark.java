package dev.jdnn.jmh;

import dev.jdnn.runtime.OneDnn;
import dev.jdnn.runtime.Threads;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of crossing into native code through the generated FFM bindings, on calls that do almost
 * nothing: oneDNN's dnnl_get_effective_cpu_isa (through OneDnn.isa(), with its switch to a name) and
 * OpenMP's omp_get_max_threads (through Threads.max()). Score: ns per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FfmCallBenchmark {
    @Benchmark
    public String onednnIsa() {
        return OneDnn.isa();
    }

    @Benchmark
    public int ompMaxThreads() {
        return Threads.max();
    }
}
