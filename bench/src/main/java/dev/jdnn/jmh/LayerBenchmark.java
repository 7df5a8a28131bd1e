package dev.jdnn.jmh;

import dev.jdnn.bench.W1;
import dev.jdnn.layers.LayerPlan;
import dev.jdnn.layers.Mode;
import dev.jdnn.layers.ParameterBlock;
import dev.jdnn.layers.ParameterSpec;
import dev.jdnn.layers.PlanContext;
import dev.jdnn.runtime.CountingArena;
import dev.jdnn.runtime.DataType;
import dev.jdnn.runtime.Engine;
import dev.jdnn.runtime.Stream;
import dev.jdnn.runtime.Threads;
import dev.jdnn.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forward and backward of one W1 layer at batch 100 in training mode. The layer's input is the real output
 * of the W1 layers before it (planned the same way, run once, not timed), so it sees the layouts it sees in
 * the network. Score: images/s; the {@code gflops} counter is GFLOP/s where FLOPs are defined (convolutions
 * and dense layers), 0 elsewhere.
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class LayerBenchmark {
    @Param({"conv1", "conv2", "bn1", "pool1", "dense1"})
    public String layer;
    @Param("1")
    public int threads;

    private CountingArena arena;
    private Stream stream;
    private LayerPlan plan;
    private W1Layers measured;

    /** GFLOP/s as a secondary result. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Work {
        public double gflops;

        @Setup(Level.Iteration)
        public void reset() {
            gflops = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        Threads.set(threads);
        measured = W1Layers.valueOf(layer.toUpperCase(Locale.ROOT));
        arena = new CountingArena();
        stream = new Stream(Engine.cpu(), arena);
        PlanContext context = new PlanContext(arena, Engine.cpu(), stream);
        SplittableRandom random = new SplittableRandom(0);
        long[] shape = W1Layers.INPUT;
        Tensor input = Tensor.plain(arena, DataType.F32, W1.BATCH, shape[0], shape[1], shape[2]);
        fill(input.segment(), random);
        for (W1Layers upstream : measured.before()) {
            LayerPlan before = compile(context, upstream, input, shape, false, random);
            before.forward();
            shape = upstream.layer.outputShape(shape);
            input = before.output();
        }
        plan = compile(context, measured, input, shape, measured.needGradInput, random);
        Tensor gradOutput = Tensor.of(arena, plan.output().desc());
        fill(gradOutput.segment(), random);
        plan.bindGradOutput(gradOutput);
        plan.forward();
        stream.waitAll();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(W1.BATCH)
    public void forward(Work work) {
        plan.forward();
        stream.waitAll();
        work.gflops += measured.forwardFlops * W1.BATCH / 1e9;
    }

    @Benchmark
    @OperationsPerInvocation(W1.BATCH)
    public void backward(Work work) {
        plan.backward();
        stream.waitAll();
        work.gflops += measured.backwardFlops() * W1.BATCH / 1e9;
    }

    private LayerPlan compile(PlanContext context, W1Layers which, Tensor input, long[] shape, boolean needGradInput,
                              SplittableRandom random) {
        ParameterBlock parameters = new ParameterBlock(which.layer.parameters(shape), arena);
        parameters.parameters().forEach(p -> {
            if (p.spec().kind() == ParameterSpec.Kind.SCALE || p.spec().kind() == ParameterSpec.Kind.RUNNING_VARIANCE) {
                p.value().elements(ValueLayout.JAVA_FLOAT).forEach(s -> s.set(ValueLayout.JAVA_FLOAT, 0, 1f));
            } else {
                fill(p.value(), random);
            }
        });
        return which.layer.plan(context, input, Mode.TRAINING, parameters.parameters(), needGradInput);
    }

    /** Uniform values in [-0.1, 0.1): small enough for every layer, never all equal. */
    private static void fill(MemorySegment floats, SplittableRandom random) {
        long n = floats.byteSize() / Float.BYTES;
        for (long i = 0; i < n; i++) floats.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (random.nextDouble(-0.1, 0.1)));
    }
}
