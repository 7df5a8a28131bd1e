package dev.jdnn.spark;

import dev.jdnn.data.Dataset;
import java.io.Serializable;
import java.util.List;

/** Images and labels in Java arrays, which travel between JVMs (a broadcast validation set, a worker's partition). */
record LabelledImages(float[] pixels, int[] labels) implements Serializable {
    /** The images as a jdnn data set of {@code shape} (channels, height, width) and these classes. */
    Dataset toDataset(long[] shape, List<String> classNames) {
        return Dataset.of(pixels, labels.length, (int) shape[0], (int) shape[1], (int) shape[2], labels, classNames);
    }
}
