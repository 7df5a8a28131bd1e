package dev.jdnn.cli;

import dev.jdnn.data.Datasets;
import dev.jdnn.data.ImageFolderReader;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The data options that train and evaluate share: with neither, the embedded Fashion-MNIST subset. */
final class DataOptions {
    @Option(names = "--dataset", paramLabel = "NAME",
            description = "a named data set: fashion-mnist (Debian's dataset-fashion-mnist)")
    String dataset;
    @Option(names = "--data", paramLabel = "DIR",
            description = "a folder of IDX files, or with image folders train/ and test/ (one sub-folder per class)")
    Path data;

    Datasets.TrainTest load() throws IOException {
        if (dataset != null && data != null) throw new IllegalArgumentException("give --dataset or --data, not both");
        if (data != null) return Datasets.fromDirectory(data, new ImageFolderReader());
        if (dataset == null) return Datasets.embeddedDefault();
        if (dataset.equals("fashion-mnist")) return Datasets.fashionMnist();
        throw new IllegalArgumentException("unknown data set '" + dataset + "'; known: fashion-mnist");
    }
}
