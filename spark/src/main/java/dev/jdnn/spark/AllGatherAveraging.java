package dev.jdnn.spark;

import dev.jdnn.train.ParameterSync;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.spark.BarrierTaskContext;

/**
 * Parameter averaging over Spark's barrier {@code allGather}: each worker sends its whole training state (weights,
 * batch-norm running statistics and the optimizer's state, as Deeplearning4j's parameter averaging also averages the
 * updater's state) as one Base64 message; every worker receives all of them, in partition order, and replaces its
 * state by their mean, computed in the same order on every worker so that all end with the same floats.
 * <p>Cost per synchronization, for S bytes of state and N workers: each worker sends 4/3 S and receives 4/3 N S,
 * through the driver (which receives N and sends N x N messages). Spark's barrier call itself polls its reply once a
 * second ({@code BarrierTaskContext} sleeps 1 s between checks), so a synchronization takes at least about a second
 * whatever its size: hence averaging every few hundred steps or at epoch ends, not all-reducing gradients per step.
 */
final class AllGatherAveraging implements ParameterSync {
    private static final ValueLayout.OfFloat LITTLE_ENDIAN_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final BarrierTaskContext context;
    private final long interval;
    private final SyncListener listener;
    private long syncs;
    private long messageBytes;
    private long gatherNanos;
    private long totalNanos;
    /** The seconds of each synchronization's allGather. */
    private final List<Double> gathers = new ArrayList<>();

    AllGatherAveraging(BarrierTaskContext context, long interval, SyncListener listener) {
        this.context = context;
        this.interval = interval;
        this.listener = listener;
    }

    @Override
    public long interval() {
        return interval;
    }

    @Override
    public void synchronize(List<MemorySegment> state) {
        if (listener != null) listener.beforeSync(context.partitionId(), context.stageAttemptNumber(), syncs);
        long start = System.nanoTime();
        long bytes = 0;
        for (MemorySegment segment : state) bytes += segment.byteSize();
        if (bytes > Integer.MAX_VALUE / 2) {
            throw new IllegalStateException("a training state of " + bytes + " bytes is too large for one barrier"
                    + " message; parameter averaging on Spark takes states up to " + Integer.MAX_VALUE / 2 + " bytes");
        }
        byte[] mine = new byte[(int) bytes];
        MemorySegment message = MemorySegment.ofArray(mine);
        long offset = 0;
        for (MemorySegment segment : state) {
            long floats = segment.byteSize() / Float.BYTES;
            MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, 0, message, LITTLE_ENDIAN_FLOAT, offset, floats);
            offset += segment.byteSize();
        }
        String encoded = Base64.getEncoder().encodeToString(mine);
        long gatherStart = System.nanoTime();
        String[] all = context.allGather(encoded);
        long gathered = System.nanoTime() - gatherStart;
        gatherNanos += gathered;
        gathers.add(gathered / 1e9);
        average(all, state, bytes);
        syncs++;
        messageBytes = encoded.length();
        totalNanos += System.nanoTime() - start;
    }

    /** Writes the mean of the workers' states into {@code state}, summing in partition order in double. */
    private static void average(String[] all, List<MemorySegment> state, long bytes) {
        MemorySegment[] states = new MemorySegment[all.length];
        for (int w = 0; w < all.length; w++) {
            byte[] decoded = Base64.getDecoder().decode(all[w]);
            if (decoded.length != bytes) {
                throw new IllegalStateException("worker " + w + " sent a state of " + decoded.length + " bytes, this"
                        + " one has " + bytes + ": the workers do not train the same network");
            }
            states[w] = MemorySegment.ofArray(decoded);
        }
        long offset = 0;
        for (MemorySegment segment : state) {
            long floats = segment.byteSize() / Float.BYTES;
            for (long i = 0; i < floats; i++) {
                double sum = 0;
                for (MemorySegment other : states) sum += other.get(LITTLE_ENDIAN_FLOAT, offset + i * Float.BYTES);
                segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (sum / states.length));
            }
            offset += segment.byteSize();
        }
    }

    /** Synchronizations done. */
    long syncs() {
        return syncs;
    }

    /** The size of one message this worker sent: Base64 characters, ASCII, one byte each on the wire. */
    long messageBytes() {
        return messageBytes;
    }

    /** Seconds spent in {@code allGather}, waiting included. */
    double gatherSeconds() {
        return gatherNanos / 1e9;
    }

    /** The seconds of each synchronization's {@code allGather}, waiting included, in order. */
    double[] gatherSecondsEach() {
        return gathers.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Seconds spent synchronizing: encoding, {@code allGather} and averaging. */
    double totalSeconds() {
        return totalNanos / 1e9;
    }
}
