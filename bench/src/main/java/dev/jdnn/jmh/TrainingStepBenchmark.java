package dev.jdnn.jmh;

import dev.jdnn.SimpleCNN;
import dev.jdnn.bench.TrainingStep;
import dev.jdnn.bench.W1;
import dev.jdnn.layers.Network;
import dev.jdnn.runtime.Threads;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full W1 training step at batch 100 on Fashion-MNIST (batch copy, forward, cross-entropy, backward,
 * Adam), as {@code bench w1} times it. Score: images/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class TrainingStepBenchmark {
    @Param({"1", "2"})
    public int threads;

    private SimpleCNN model;
    private TrainingStep step;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        W1.Data data = W1.Data.load();
        model = W1.initializedModel(data.train(), threads);
        Network network = model.network();
        Threads.set(threads);
        var updater = model.config().optimizer().bind(network.parameters().trainableFloats(), network.arena());
        step = new TrainingStep(network, updater, model.config().lambda(), data.train().batches(W1.BATCH));
        step.batches().shuffle(new SplittableRandom(0));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    @Benchmark
    @OperationsPerInvocation(W1.BATCH)
    public double step() {
        return step.run(next++);
    }
}
