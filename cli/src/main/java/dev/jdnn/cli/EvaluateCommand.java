package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.Evaluation;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Evaluates a saved model on the test part of a data set: the figures train printed for it. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a saved model on the test part of a data set (with no data option: the embedded "
                + "Fashion-MNIST subset): accuracy, macro F1 and the confusion matrix.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a model or checkpoint file")
    Path modelFile;
    @Mixin DataOptions data;
    @Option(names = "--json", description = "end with one JSON line of the results") boolean json;

    @Override
    public Integer call() throws Exception {
        try (SimpleCNN model = SimpleCNN.load(modelFile)) {
            Dataset test = data.load().test();
            if (!test.classNames().equals(model.classNames())) {
                throw new IllegalArgumentException("the model's classes " + model.classNames()
                        + " differ from the data's " + test.classNames());
            }
            long start = System.nanoTime();
            Evaluation evaluation = model.evaluate(test);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!json) {
                System.out.printf("test accuracy %.4f  (macro F1 %.4f) on %d images%n", evaluation.accuracy(),
                        evaluation.f1(), test.count());
                System.out.print(evaluation.confusionTable(test.classNames()));
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("test_acc", evaluation.accuracy());
            result.put("epochs_run", model.history() == null ? 0 : model.history().epochsRun());
            result.put("train_ips", model.history() == null ? 0 : TrainCommand.meanImagesPerSecond(model.history()));
            result.put("seconds", seconds);
            result.put("test_count", test.count());
            result.put("macro_f1", evaluation.f1());
            if (json) System.out.println(new ObjectMapper().writeValueAsString(result));
        }
        return 0;
    }
}
