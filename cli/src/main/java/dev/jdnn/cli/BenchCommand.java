package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.bench.ModelBench;
import dev.jdnn.bench.W1Bench;
import dev.jdnn.runtime.Threads;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Runs a reference workload and prints its figures: {@code bench w1} (shared/W1.md), or {@code bench model FILE},
 * the inference speed of any model.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run workload W1 (SimpleCNN on Fashion-MNIST) and print its figures, or with 'model FILE' the"
                + " inference speed of a model (jdnn or ONNX): batch-1 latency on 1 thread and images/s of larger"
                + " batches.")
final class BenchCommand implements Callable<Integer> {
    /** The options of bench w1 alone, and of bench model alone. */
    private static final List<String> W1_OPTIONS = List.of("--what", "--epochs", "--seed", "--compare-native");
    private static final List<String> MODEL_OPTIONS = List.of("--batch", "--precision");

    @Parameters(index = "0", paramLabel = "WORKLOAD", description = "the workload: w1 or model")
    String workload;
    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE",
            description = "bench model: a jdnn model file or an .onnx file")
    Path modelFile;
    @Option(names = "--what", defaultValue = "all",
            description = "w1: train, infer, all (default) or accuracy (the test-accuracy run alone)")
    String what;
    @Option(names = "--threads",
            description = "OpenMP threads, model: of the batches above 1; w1: of the test-accuracy run, 1 to "
                    + Threads.MAX + " (default: all cores)")
    Integer threads;
    @Option(names = "--epochs", description = "w1: epochs of the test-accuracy run, 1 or more (default: 3, quick: 1)")
    Integer epochs;
    @Option(names = "--seed", defaultValue = "0",
            description = "w1: seed of the test-accuracy run: weights, shuffles, dropout; any integer (default: 0, W1's)")
    long seed;
    @Option(names = "--batch", split = ",", paramLabel = "N",
            description = "model: batch sizes, 1 to " + ModelBench.Options.MAX_BATCH
                    + ": 1 gives b1_p50_us, b1_p99_us, b1_alloc_bytes (1 thread), N gives bN_ips (default: 1,32)")
    List<Integer> batches;
    @Option(names = "--precision", defaultValue = "f32",
            description = "model: f32 or bf16 (a CPU with native bf16 arithmetic) (default ${DEFAULT-VALUE})")
    String precision;
    @Option(names = "--quick", description = "shortened measurements for smoke tests (well under a minute)")
    boolean quick;
    @Option(names = "--json", description = "end with one JSON line of the figures")
    boolean json;
    @Option(names = "--compare-native",
            description = "w1: also build and run the C++ oneDNN reference (bench/run-c-reference.sh) and print jdnn/C++ ratios")
    boolean compareNative;
    @Option(names = "--compare-onnxruntime",
            description = "also run ONNX Runtime 1.29's Java API on the same model (a jdnn model exported as ONNX), in"
                    + " a child JVM (bench/run-onnxruntime.sh), and print jdnn/ORT ratios; inference only")
    boolean compareOnnxRuntime;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> figures = switch (workload) {
            case "w1" -> w1();
            case "model" -> model();
            default -> throw new IllegalArgumentException("unknown workload '" + workload + "'; known: w1, model");
        };
        if (json) System.out.println(new ObjectMapper().writeValueAsString(figures));
        return 0;
    }

    private Map<String, Object> w1() throws Exception {
        refuse(MODEL_OPTIONS, "w1");
        if (modelFile != null) throw new IllegalArgumentException("bench w1 takes no FILE; bench model FILE does");
        W1Bench.Options options = new W1Bench.Options(parseWhat(what),
                threads != null ? threads : Runtime.getRuntime().availableProcessors(),
                epochs != null ? epochs : quick ? 1 : 3, seed, quick, compareNative, compareOnnxRuntime);
        return new W1Bench(options, System.out).run();
    }

    private Map<String, Object> model() throws Exception {
        refuse(W1_OPTIONS, "model");
        if (modelFile == null) throw new IllegalArgumentException("bench model needs a FILE: a jdnn model or an .onnx file");
        ModelBench.Options options = new ModelBench.Options(modelFile, batches != null ? batches : List.of(1, 32),
                threads != null ? threads : Runtime.getRuntime().availableProcessors(),
                InferenceOptions.precision(precision), quick, compareOnnxRuntime);
        return new ModelBench(options, System.out).run();
    }

    private void refuse(List<String> options, String given) {
        for (String option : options) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException(option + " does not apply to bench " + given);
            }
        }
    }

    private static W1Bench.What parseWhat(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "train" -> W1Bench.What.TRAIN;
            case "infer" -> W1Bench.What.INFER;
            case "all" -> W1Bench.What.ALL;
            case "accuracy" -> W1Bench.What.ACCURACY;
            default -> throw new IllegalArgumentException("--what '" + value + "' is not one of train, infer, all, accuracy");
        };
    }
}
