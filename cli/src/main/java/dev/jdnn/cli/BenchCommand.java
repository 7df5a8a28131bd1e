package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.bench.W1Bench;
import dev.jdnn.runtime.Threads;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Runs a reference workload and prints its figures: {@code bench w1} (shared/W1.md). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run workload W1 (SimpleCNN on Fashion-MNIST) and print its figures.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WORKLOAD", description = "the workload: w1")
    String workload;
    @Option(names = "--what", defaultValue = "all",
            description = "train, infer, all (default) or accuracy (the test-accuracy run alone)")
    String what;
    @Option(names = "--threads",
            description = "OpenMP threads of the test-accuracy run, 1 to " + Threads.MAX + " (default: all cores)")
    Integer threads;
    @Option(names = "--epochs", description = "epochs of the test-accuracy run, 1 or more (default: 3, quick: 1)")
    Integer epochs;
    @Option(names = "--seed", defaultValue = "0",
            description = "seed of the test-accuracy run: weights, shuffles, dropout; any integer (default: 0, W1's)")
    long seed;
    @Option(names = "--quick", description = "shortened measurements for smoke tests (well under a minute)")
    boolean quick;
    @Option(names = "--json", description = "end with one JSON line of the figures")
    boolean json;
    @Option(names = "--compare-native",
            description = "also build and run the C++ oneDNN reference (bench/run-c-reference.sh) and print jdnn/C++ ratios")
    boolean compareNative;
    @Option(names = "--compare-onnxruntime",
            description = "also run ONNX Runtime 1.29's Java API on the same model exported as ONNX, in a child JVM"
                    + " (bench/run-onnxruntime.sh), and print jdnn/ORT ratios; inference only")
    boolean compareOnnxRuntime;

    @Override
    public Integer call() throws Exception {
        if (!workload.equals("w1")) throw new IllegalArgumentException("unknown workload '" + workload + "'; known: w1");
        W1Bench.Options options = new W1Bench.Options(parseWhat(what),
                threads != null ? threads : Runtime.getRuntime().availableProcessors(),
                epochs != null ? epochs : quick ? 1 : 3, seed, quick, compareNative, compareOnnxRuntime);
        Map<String, Object> figures = new W1Bench(options, System.out).run();
        if (json) System.out.println(new ObjectMapper().writeValueAsString(figures));
        return 0;
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
