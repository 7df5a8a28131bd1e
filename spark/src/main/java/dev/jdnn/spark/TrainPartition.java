package dev.jdnn.spark;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.DataFormatException;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Preprocessing;
import dev.jdnn.layers.ParameterBlock;
import dev.jdnn.train.History;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One worker of {@link SparkTrainer}, run as a task of a barrier stage (all workers start together and can
 * {@code allGather}): reads its partition into memory, agrees with the others on a common image count (the workers
 * must take the same number of steps per epoch), resumes from its checkpoint when every worker has one of the same
 * epoch (after Spark retried the stage) or else trains from the start, averaging with the others through
 * {@link AllGatherAveraging}, and checks at the end that all hold the same weights.
 */
final class TrainPartition extends AbstractFunction1<Iterator<Row>, Iterator<WorkerReport>> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ModelFactory factory;
    private final Broadcast<LabelledImages> valid;
    private final long[] shape;
    private final ArrayList<String> classNames;
    private final ImageInput input;
    private final long interval;
    private final String checkpointFolder;
    private final SyncListener listener;

    TrainPartition(ModelFactory factory, Broadcast<LabelledImages> valid, long[] shape, List<String> classNames,
                   ImageInput input, long interval, String checkpointFolder, SyncListener listener) {
        this.factory = factory;
        this.valid = valid;
        this.shape = shape.clone();
        this.classNames = new ArrayList<>(classNames);
        this.input = input;
        this.interval = interval;
        this.checkpointFolder = checkpointFolder;
        this.listener = listener;
    }

    @Override
    public Iterator<WorkerReport> apply(Iterator<Row> rows) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int worker = context.partitionId();
        try {
            return CollectionConverters.asScala(List.of(train(context, worker, rows)).iterator());
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + worker + ": " + e.getMessage(), e);
        }
    }

    private WorkerReport train(BarrierTaskContext context, int worker, Iterator<Row> rows) throws IOException {
        SimpleCNN model = factory.build();
        try {
            LabelledImages mine = read(rows, model.preprocessing());
            Path folder = checkpointFolder == null ? null : Path.of(checkpointFolder, "worker-" + worker);
            Path last = folder == null ? null : folder.resolve(SimpleCNN.LAST_CHECKPOINT);
            int done = epochsIn(last);
            // One exchange (each costs Spark's barrier about a second): every worker's image count and checkpoint.
            String[] starts = context.allGather(mine.labels().length + " " + done);
            int common = Arrays.stream(starts).mapToInt(start -> Integer.parseInt(start.split(" ")[0])).min().orElseThrow();
            if (common == 0) {
                throw new IllegalArgumentException("a worker has no training images: give at least one image per"
                        + " worker (" + starts.length + " workers)");
            }
            // Resume only where every worker can (after a failure between two workers' checkpoints: start over).
            boolean resume = done > 0 && Arrays.stream(starts).allMatch(start -> start.endsWith(" " + done));
            Dataset train = new LabelledImages(Arrays.copyOf(mine.pixels(), common * imageSize()),
                    Arrays.copyOf(mine.labels(), common)).toDataset(shape, classNames);
            Dataset validation = valid.value().toDataset(shape, classNames);
            if (resume) {
                model.close();
                model = SimpleCNN.load(last);
            }
            AllGatherAveraging sync = new AllGatherAveraging(context, interval, listener);
            model.synchronizeWith(sync);
            if (folder != null) model.checkpointTo(folder);
            long start = System.nanoTime();
            History history = resume ? model.resume(train, validation) : model.fit(train, validation);
            double seconds = (System.nanoTime() - start) / 1e9;

            String state = stateSha256(model.network().parameters());
            String[] states = context.allGather(state);
            if (!Arrays.stream(states).allMatch(state::equals)) {
                throw new IllegalStateException("the workers ended with different weights (SHA-256 " + Arrays.toString(states)
                        + "): the parameter averaging failed");
            }
            return new WorkerReport(worker, context.stageAttemptNumber(), resume ? done : 0, common,
                    history.epochsRun(), seconds, sync.syncs(), sync.messageBytes(), sync.gatherSeconds(),
                    sync.gatherSecondsEach(), sync.totalSeconds(), state, worker == 0 ? fileOf(model) : null);
        } finally {
            model.close();
        }
    }

    /** The partition's images, prepared, and labels; every label must be a class index. */
    private LabelledImages read(Iterator<Row> rows, Preprocessing preprocessing) {
        int size = imageSize();
        float[] pixels = new float[size * 64];
        int[] labels = new int[64];
        int n = 0;
        while (rows.hasNext()) {
            Row row = rows.next();
            if (n == labels.length) {
                labels = Arrays.copyOf(labels, n * 2);
                pixels = Arrays.copyOf(pixels, Math.multiplyExact(n * 2, size));
            }
            if (row.isNullAt(0) || row.isNullAt(1)) {
                throw new IllegalArgumentException("a training row has a null " + (row.isNullAt(0) ? "image" : "label"));
            }
            int label = ((Number) row.get(1)).intValue();
            if (label < 0 || label >= classNames.size()) {
                throw new IllegalArgumentException("a training label is " + label + "; the classes are 0 to "
                        + (classNames.size() - 1) + " " + classNames);
            }
            try {
                input.read(row.get(0), preprocessing, shape, pixels, n * size);
            } catch (DataFormatException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            labels[n++] = label;
        }
        return new LabelledImages(Arrays.copyOf(pixels, n * size), Arrays.copyOf(labels, n));
    }

    private int imageSize() {
        return Math.toIntExact(shape[0] * shape[1] * shape[2]);
    }

    /** The epochs a checkpoint has finished, or 0 when there is none. */
    private static int epochsIn(Path checkpoint) throws IOException {
        if (checkpoint == null || !Files.exists(checkpoint)) return 0;
        try (SimpleCNN model = SimpleCNN.load(checkpoint)) {
            return model.history() == null ? 0 : model.history().epochsRun();
        }
    }

    /** The SHA-256 of the weights and running statistics, in plain layout. */
    private static String stateSha256(ParameterBlock parameters) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (MemorySegment segment : List.of(parameters.values(), parameters.state())) {
                digest.update(segment.asByteBuffer());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must have", e);
        }
    }

    private static byte[] fileOf(SimpleCNN model) throws IOException {
        Path file = Files.createTempFile("jdnn-spark-", ".jdnn");
        try {
            model.save(file);
            return Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
