package dev.jdnn.jmh;

import dev.jdnn.SimpleCNN;
import dev.jdnn.bench.InferenceTarget;
import dev.jdnn.bench.PredictorInferenceTarget;
import dev.jdnn.bench.W1;
import dev.jdnn.runtime.Threads;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * W1 inference on Fashion-MNIST test images through an {@link InferenceTarget} (now the network's own
 * inference plans): batch 1 on one thread (sampled latency, so JMH prints p50 and p99) and batch 256 on two
 * threads (images/s). Run with {@code -prof gc} for heap bytes per call.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class InferenceBenchmarks {
    /** A W1 model and the test images, cut into batches of one size; one state per batch size. */
    abstract static class Images {
        SimpleCNN model;
        InferenceTarget target;
        float[][] batches;
        float[] logits;
        int next;
        int threads;

        void setUp(int batch, int threads) throws IOException {
            this.threads = threads;
            W1.Data data = W1.Data.load();
            Threads.set(threads);
            model = W1.initializedModel(data.train(), threads);
            target = new PredictorInferenceTarget(model, batch);
            float[] pixels = data.test().toArray();
            int count = data.test().count() / batch;
            batches = new float[count][batch * W1.IMAGE_FLOATS];
            for (int b = 0; b < count; b++) {
                System.arraycopy(pixels, b * batch * W1.IMAGE_FLOATS, batches[b], 0, batch * W1.IMAGE_FLOATS);
            }
            logits = new float[batch * W1.CLASSES];
        }

        float[] predictNext() {
            target.predict(threads, batches[next], logits);
            next = (next + 1) % batches.length;
            return logits;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            model.close();
        }
    }

    @State(Scope.Thread)
    public static class Single extends Images {
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            setUp(1, 1);
        }
    }

    @State(Scope.Thread)
    public static class Batch256 extends Images {
        @Setup(Level.Trial)
        public void setUp() throws IOException {
            setUp(256, 2);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float[] batch1(Single images) {
        return images.predictNext();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(256)
    public float[] batch256(Batch256 images) {
        return images.predictNext();
    }
}
