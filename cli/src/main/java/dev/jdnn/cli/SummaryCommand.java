package dev.jdnn.cli;

import dev.jdnn.SimpleCNN;
import dev.jdnn.SimpleCNNConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Describes a saved model: its input, classes, layers, parameter counts, training settings and history. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Describe a saved model: input shape, classes, each block with its output shape and "
                + "parameter counts, the training settings and the history.")
final class SummaryCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model or checkpoint file")
    Path modelFile;

    @Override
    public Integer call() throws Exception {
        try (SimpleCNN model = SimpleCNN.load(modelFile)) {
            long[] shape = model.network().inputShape();
            SimpleCNNConfig c = model.config();
            System.out.printf("%s: SimpleCNN for %d x %d x %d images (channels x height x width), %d classes: %s%n",
                    modelFile, shape[0], shape[1], shape[2], model.classNames().size(), String.join(", ", model.classNames()));
            System.out.print(model.summary(shape[0], shape[1], shape[2]));
            System.out.printf("activation %s, optimizer %s, loss %s, initializer %s, batch size %d, %d epochs, seed %d%n",
                    c.activation().label(), c.optimizer(), c.loss().name(),
                    c.initializer() == null ? "none" : c.initializer().name(), c.batchSize(), c.epochs(), c.seed());
            if (model.history() == null || model.history().epochsRun() == 0) {
                System.out.println("not trained");
            } else {
                model.history().epochs().forEach(System.out::println);
                if (model.history().stoppedEarly()) {
                    System.out.println("stopped early; the weights are those of epoch " + model.history().bestEpoch());
                }
            }
        }
        return 0;
    }
}
