package dev.jdnn.jmh;

import dev.jdnn.SimpleCNN;
import dev.jdnn.bench.W1;
import dev.jdnn.layers.ParameterBlock;
import dev.jdnn.train.Updater;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** One Adam update over W1's flat block of trainable parameters (about 422k floats). Score: ns per update. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class OptimizerBenchmark {
    private SimpleCNN model;
    private ParameterBlock parameters;
    private Updater adam;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        model = W1.initializedModel(W1.Data.load().train(), 1);
        parameters = model.network().parameters();
        adam = model.config().optimizer().bind(parameters.trainableFloats(), model.network().arena());
        SplittableRandom random = new SplittableRandom(0);
        for (long i = 0; i < parameters.trainableFloats(); i++) {
            parameters.grads().setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian(0, 1e-3));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    @Benchmark
    public void adamStep() {
        adam.step(parameters.values(), parameters.grads());
    }
}
