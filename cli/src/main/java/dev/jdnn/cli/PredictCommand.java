package dev.jdnn.cli;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.ImageFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Classifies image files with a saved model: one line per file with the class and its probability. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify PNG, JPEG or BMP files with a saved model. Each image is prepared by the preprocessing "
                + "stored in the model (by default scaled to [0, 1]), converted to the model's channels and resized "
                + "(bilinear) to its input size; prints the file, the class and its softmax probability, separated by "
                + "tabs.")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model or checkpoint file")
    Path modelFile;
    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "image files") List<Path> images;

    @Override
    public Integer call() throws Exception {
        try (SimpleCNN model = SimpleCNN.load(modelFile)) {
            long[] shape = model.network().inputShape();
            float[][] probabilities = model.predictProba(
                    ImageFiles.read(images, (int) shape[0], (int) shape[1], (int) shape[2], model.preprocessing()));
            List<String> names = model.classNames();
            for (int i = 0; i < images.size(); i++) {
                int best = 0;
                for (int c = 1; c < probabilities[i].length; c++) if (probabilities[i][c] > probabilities[i][best]) best = c;
                String name = best < names.size() ? names.get(best) : "class " + best;
                System.out.printf("%s\t%s\t%.4f%n", images.get(i), name, probabilities[i][best]);
            }
        }
        return 0;
    }
}
