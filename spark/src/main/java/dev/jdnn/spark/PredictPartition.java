package dev.jdnn.spark;

import dev.jdnn.data.DataFormatException;
import dev.jdnn.data.Preprocessing;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The task side of {@link SparkPredictor}: one partition's rows, each with its prediction columns appended, predicted
 * in batches of up to {@code batchSize} images through one {@link Predictor} of the executor's shared
 * {@link CompiledModel}, borrowed from the executor's idle ones for the task ({@link ExecutorModels}) and on the task's
 * CPUs ({@code spark.task.cpus}); the batch's Java arrays are allocated once per task.
 */
final class PredictPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final ModelFile model;
    private final int batchSize;
    private final ImageInput input;
    private final int column;
    private final boolean logits;

    PredictPartition(ModelFile model, int batchSize, ImageInput input, int column, boolean logits) {
        this.model = model;
        this.batchSize = batchSize;
        this.input = input;
        this.column = column;
        this.logits = logits;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        TaskContext task = TaskContext.get();
        Predictions predictions = new Predictions(rows, model.borrowPredictor(batchSize, Math.max(1, task.cpus())));
        task.addTaskCompletionListener((TaskCompletionListener) context -> predictions.release(context.isFailed()));
        return predictions;
    }

    /** The rows of one partition with their predictions, predicted a batch at a time as they are read. */
    private final class Predictions implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final Predictor predictor;
        private final int imageSize;
        private final int outputs;
        private final Preprocessing preprocessing;
        private final long[] shape;
        private final Row[] batch = new Row[batchSize];
        /** For each row of the batch, its image's place among the batch's images, or -1 for a null input. */
        private final int[] imageOf = new int[batchSize];
        private final float[] images;
        private final float[] scores;
        private final FloatBuffer imageBuffer;
        private final FloatBuffer scoreBuffer;
        private int count;
        private int next;
        /** Rows read from the partition so far. */
        private long read;
        /** Whether the rows ran out. */
        private boolean done;
        private boolean released;

        Predictions(Iterator<Row> rows, Predictor predictor) {
            this.rows = rows;
            this.predictor = predictor;
            CompiledModel compiled = predictor.model();
            this.imageSize = compiled.imageSize();
            this.outputs = compiled.outputSize();
            this.preprocessing = compiled.preprocessing();
            this.shape = compiled.imageShape();
            this.images = new float[batchSize * imageSize];
            this.scores = new float[batchSize * outputs];
            this.imageBuffer = FloatBuffer.wrap(images);
            this.scoreBuffer = FloatBuffer.wrap(scores);
        }

        @Override
        public boolean hasNext() {
            if (next < count) return true;
            if (done) return false;
            if (!rows.hasNext()) {
                done = true;
                return false;
            }
            predictBatch();
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            Row row = batch[next];
            int image = imageOf[next];
            batch[next++] = null;
            int width = row.length();
            Object[] values = new Object[width + (logits ? 3 : 2)];
            for (int i = 0; i < width; i++) values[i] = row.get(i);
            if (image >= 0) {
                int from = image * outputs;
                int best = 0;
                for (int k = 1; k < outputs; k++) {
                    if (scores[from + k] > scores[from + best]) best = k;
                }
                values[width] = best;
                values[width + 1] = probability(from, best);
                if (logits) {
                    float[] rowLogits = new float[outputs];
                    System.arraycopy(scores, from, rowLogits, 0, outputs);
                    values[width + 2] = rowLogits;
                }
            }
            return RowFactory.create(values);
        }

        /** The softmax probability of class {@code k} of the logits at {@code from}, in double as Labels does. */
        private float probability(int from, int k) {
            double max = scores[from + k];
            double sum = 0;
            for (int j = 0; j < outputs; j++) sum += Math.exp(scores[from + j] - max);
            return (float) (1 / sum);
        }

        /** The row that failed, by its file when the binaryFile or image source read it, else by its place. */
        private String describe(Row row) {
            String place = "row " + (read - 1) + " of partition " + TaskContext.getPartitionId();
            if (hasField(row, "path") && row.getAs("path") instanceof String path) return path;
            if (input == ImageInput.IMAGE_STRUCT && row.get(column) instanceof Row image && hasField(image, "origin")
                    && image.getAs("origin") instanceof String origin) {
                return origin;
            }
            return place;
        }

        private static boolean hasField(Row row, String name) {
            return row.schema() != null && Arrays.asList(row.schema().fieldNames()).contains(name);
        }

        private void predictBatch() {
            count = 0;
            next = 0;
            int n = 0;
            while (count < batchSize && rows.hasNext()) {
                Row row = rows.next();
                read++;
                Object value = row.get(column);
                batch[count] = row;
                imageOf[count] = value == null ? -1 : n;
                if (value != null) {
                    try {
                        input.read(value, preprocessing, shape, images, n * imageSize);
                    } catch (DataFormatException | IllegalArgumentException e) {
                        throw new IllegalArgumentException(describe(row) + ": " + e.getMessage(), e);
                    }
                    n++;
                }
                count++;
            }
            if (n == 0) return;
            imageBuffer.limit(n * imageSize);
            scoreBuffer.limit(n * outputs);
            predictor.predict(imageBuffer, scoreBuffer);
        }

        /**
         * Gives the predictor back for the executor's next task, once; after a failed task it is closed instead, since
         * the failure may have left it inside a call.
         */
        void release(boolean failed) {
            if (released) return;
            released = true;
            if (failed) predictor.close();
            else model.giveBack(predictor);
        }
    }
}
