package dev.jdnn.hardening;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import dev.jdnn.runtime.ThreadStartException;
import dev.jdnn.runtime.Threads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issue 20, class 2, run by {@link ThreadLimitTest} in a JVM under a process limit (RLIMIT_NPROC): prints one
 * {@code ok <step> ...} or {@code refused <step> <exception>} line per step. With the argument {@code bounded} it
 * fits and predicts with 1,024 threads asked for (more than the limit lets the process start); with
 * {@code exhausted} it first starts threads until the JVM cannot start another, then predicts with a split 2-thread
 * predictor and, from a thread new to OpenMP, one image on 2 threads; then it ends its threads and does both again.
 */
public final class ThreadLimitRun {
    private ThreadLimitRun() {}

    public static void main(String[] args) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(20);
        float[][][][] images = new float[20][1][8][8];
        int[] labels = new int[images.length];
        for (int i = 0; i < images.length; i++) {
            for (float[] row : images[i][0]) for (int x = 0; x < row.length; x++) row[x] = (float) random.nextDouble();
            labels[i] = i % 2;
        }
        boolean bounded = args[0].equals("bounded");
        int threads = bounded ? Threads.MAX : 1;
        try (SimpleCNN model = SimpleCNN.builder().inChannels(1).inFeatures(List.of(64, 8)).outChannels(4)
                .outFeatures(2).epochs(1).batchSize(10).threads(threads).seed(3).progress(false).build()) {
            model.fit(Dataset.of(images, labels, List.of("a", "b")));
            System.out.println("ok fit with " + threads + " threads asked for");
            float[] two = new float[2 * 64];
            for (int i = 0; i < two.length; i++) two[i] = images[i / 64][0][(i % 64) / 8][i % 8];
            try (CompiledModel compiled = CompiledModel.of(model, 2)) {
                if (bounded) {
                    try (Predictor predictor = compiled.newPredictor(Threads.MAX)) {
                        predictor.predict(two, new float[4]);
                        predictor.predict(Arrays.copyOf(two, 64), new float[2]);
                        System.out.println("ok predict with " + Threads.MAX + " threads asked for, "
                                + predictor.threads() + " run");
                    }
                } else {
                    exhausted(compiled, two);
                }
            }
            System.out.println("ok closed");
        }
    }

    private static void exhausted(CompiledModel compiled, float[] two) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> hogs = new ArrayList<>();
        try {
            while (true) hogs.add(Thread.ofPlatform().daemon().start(() -> await(release)));
        } catch (OutOfMemoryError e) {
            System.out.println("ok exhausted after " + hogs.size() + " threads: " + e.getMessage());
        }
        Predictor split = compiled.newPredictor(2);
        attempt("split", () -> split.predict(two, new float[4]));
        // One thread's room, for a thread that has never run an OpenMP team of 2.
        Thread freed = hogs.removeLast();
        freed.interrupt();
        freed.join();
        Thread.sleep(100);
        AtomicReference<Thread> fresh = new AtomicReference<>();
        fresh.set(Thread.ofPlatform().start(() -> {
            try (Predictor predictor = compiled.newPredictor(2)) {
                attempt("team", () -> predictor.predict(Arrays.copyOf(two, 64), new float[2]));
            }
        }));
        fresh.get().join();
        release.countDown();
        for (Thread hog : hogs) hog.join();
        attempt("split after", () -> split.predict(two, new float[4]));
        split.close();
        Thread again = Thread.ofPlatform().start(() -> {
            try (Predictor predictor = compiled.newPredictor(2)) {
                attempt("team after", () -> predictor.predict(Arrays.copyOf(two, 64), new float[2]));
            }
        });
        again.join();
    }

    private static void attempt(String step, Runnable call) {
        try {
            call.run();
            System.out.println("ok " + step);
        } catch (ThreadStartException e) {
            System.out.println("refused " + step + " " + e);
        } catch (RuntimeException | Error e) {
            System.out.println("failed " + step + " " + e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            // released early, to make room for one thread
        }
    }
}
