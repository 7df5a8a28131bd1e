package dev.jdnn;

import dev.jdnn.data.Datasets;
import dev.jdnn.layers.Mode;
import dev.jdnn.layers.Network;
import dev.jdnn.runtime.Threads;
import dev.jdnn.train.CrossEntropy;
import java.lang.foreign.MemorySegment;
import java.util.List;

public class TrainSpeedProbe {
    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int steps = Integer.parseInt(args[1]);
        var data = Datasets.embeddedDefault().train();
        try (SimpleCNN model = SimpleCNN.builder().inChannels(List.of(1, 32)).outChannels(64).inFeatures(List.of(3136, 128))
                .outFeatures(10).initializer("kaiming-normal").epochs(1).batchSize(100).threads(threads).progress(false).build()) {
            model.fit(data.head(200));
            Network net = model.network();
            Threads.set(threads);
            var updater = model.config().optimizer().bind(net.parameters().trainableFloats(), net.arena());
            var plan = net.plan(100, Mode.TRAINING);
            var batches = data.batches(100);
            int[] labels = new int[100];
            MemorySegment labelSeg = MemorySegment.ofArray(new int[100]);
            CrossEntropy ce = new CrossEntropy();
            long[] phase = new long[4];
            for (int s = 0; s < steps + 20; s++) {
                if (s == 20) java.util.Arrays.fill(phase, 0);
                long t0 = System.nanoTime();
                batches.copy(s % batches.count(), plan.input().segment(), labelSeg);
                MemorySegment.copy(labelSeg, java.lang.foreign.ValueLayout.JAVA_INT, 0, labels, 0, 100);
                plan.plan().forward();
                long t1 = System.nanoTime();
                ce.forwardBackward(plan.plan().output().segment(), labels, 0, 100, 10, plan.gradOutput().segment());
                plan.plan().backward();
                long t2 = System.nanoTime();
                updater.step(net.parameters().values(), net.parameters().grads());
                long t3 = System.nanoTime();
                phase[0] += t1 - t0; phase[1] += t2 - t1; phase[2] += t3 - t2; phase[3] += t3 - t0;
            }
            System.out.printf("threads %d: %.0f img/s  fwd %.2f ms  bwd %.2f ms  opt %.2f ms per step%n", threads,
                    steps * 100 / (phase[3] / 1e9), phase[0] / 1e6 / steps, phase[1] / 1e6 / steps, phase[2] / 1e6 / steps);
        }
    }
}
