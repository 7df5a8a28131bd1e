package dev.jdnn.cli;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.ImageFiles;
import dev.jdnn.data.Preprocessing;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Classifies image files with a saved model: one line per file with the class and its probability. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify PNG, JPEG or BMP files with a model (a jdnn model file or an .onnx file). Each image "
                + "is converted to the model's channels, resized (bilinear) to its input size and prepared by the "
                + "preprocessing stored in the model (for an .onnx file and by default: scaled to [0, 1]), each value "
                + "v of channel c becoming (v * scale - mean[c]) / std[c]; the options below replace the stored "
                + "values. Prints the file, the class and its softmax probability, separated by tabs.")
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "a model or checkpoint file, or an .onnx file")
    Path modelFile;
    @Option(names = "--scale", paramLabel = "X",
            description = "multiplies the 8-bit samples (0 to 255) first, above 0 (the default preprocessing's: 1/255)")
    Double scale;
    @Option(names = "--mean", split = ",", paramLabel = "M",
            description = "subtracted after scaling: one value, or one per channel, e.g. 0.485,0.456,0.406")
    float[] mean;
    @Option(names = "--std", split = ",", paramLabel = "S",
            description = "divides after the mean: one value, or one per channel, e.g. 0.229,0.224,0.225")
    float[] std;
    @Option(names = "--channel-order", paramLabel = "rgb|bgr", description = "the order of a colour model's planes")
    String channelOrder;
    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "image files") List<Path> images;

    @Override
    public Integer call() throws Exception {
        try (SimpleCNN model = SimpleCNN.load(modelFile)) {
            long[] shape = model.network().inputShape();
            Preprocessing preprocessing = preprocessing(model.preprocessing());
            float[][] probabilities = model.predictProba(
                    ImageFiles.read(images, (int) shape[0], (int) shape[1], (int) shape[2], preprocessing));
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

    /** The model's preprocessing with the values the options give; Preprocessing checks each of them. */
    private Preprocessing preprocessing(Preprocessing stored) {
        Preprocessing p = stored;
        if (scale != null) p = p.withScale(scale);
        if (mean != null || std != null) p = p.withMeanAndStd(mean != null ? mean : p.mean(), std != null ? std : p.std());
        if (channelOrder != null) {
            p = p.withChannelOrder(switch (channelOrder.toLowerCase(Locale.ROOT)) {
                case "rgb" -> Preprocessing.ChannelOrder.RGB;
                case "bgr" -> Preprocessing.ChannelOrder.BGR;
                default -> throw new IllegalArgumentException("--channel-order '" + channelOrder
                        + "' is not one of rgb, bgr");
            });
        }
        return p;
    }
}
