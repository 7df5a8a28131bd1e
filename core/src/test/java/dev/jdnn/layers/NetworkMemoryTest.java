package dev.jdnn.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jdnn.runtime.CountingArena;
import dev.jdnn.train.Adam;
import dev.jdnn.train.CrossEntropy;
import dev.jdnn.train.Updater;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A training step allocates no off-heap memory after the first one at a given batch size. */
class NetworkMemoryTest {
    @Test
    void thousandTrainingStepsAllocateNothingOffHeapAfterTheFirst() {
        Sequential model = new Sequential(List.of(
                new ConvBlock2D(new Convolution2D(1, 4, 3, 1, Padding.SAME), new BatchNorm2D(4),
                        new Activation(ActivationFunction.RELU), new Pooling2D(2, 2, PoolMode.MAX)),
                new Flatten(),
                new DenseBlock(new Dense(4 * 4 * 4, 8), new BatchNorm1D(8), new Activation(ActivationFunction.RELU),
                        new Dropout(0.5, 1)),
                new Dense(8, 3)));
        try (Network network = new Network(model, new long[] {1, 8, 8})) {
            Updater updater = new Adam(1e-3).bind(network.parameters().trainableFloats(), network.arena());
            CrossEntropy loss = new CrossEntropy();
            int[] labels = {0, 1, 2, 1, 0, 2};
            SplittableRandom random = new SplittableRandom(3);
            Network.Compiled plan = network.plan(labels.length, Mode.TRAINING);
            for (long i = 0; i < plan.input().elementCount(); i++) {
                plan.input().segment().setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian());
            }
            long afterFirst = 0;
            for (int step = 0; step < 1_000; step++) {
                plan.plan().forward();
                loss.forwardBackward(plan.plan().output().segment(), labels, 0, labels.length, 3,
                        plan.gradOutput().segment());
                plan.plan().backward();
                updater.step(network.parameters().values(), network.parameters().grads());
                if (step == 0) afterFirst = CountingArena.allocatedBytes();
            }
            assertEquals(afterFirst, CountingArena.allocatedBytes(), "off-heap bytes allocated by steps 2..1000");
        }
    }
}
