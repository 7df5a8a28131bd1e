package dev.jdnn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.DataFormatException;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Precision;
import dev.jdnn.inference.Predictor;
import dev.jdnn.runtime.Threads;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs a model on a NumPy array of images and writes its outputs as a NumPy array. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a model (jdnn or ONNX) on the images of a NumPy file: float32 N x C x H x W in the model's"
                + " input shape, prepared as the model expects; writes its float32 outputs, N x classes, as a NumPy"
                + " file (.npy format 1.0, '<f4', C order).")
final class RunCommand implements Callable<Integer> {
    /** Images per call: the batch the model is compiled for. */
    static final int BATCH = 64;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a jdnn model file or an .onnx file")
    Path modelFile;
    @Option(names = "--input", required = true, paramLabel = "X.npy",
            description = "the images: a .npy file of float32 N x C x H x W (np.save of x.astype(np.float32))")
    Path input;
    @Option(names = "--output", required = true, paramLabel = "Y.npy",
            description = "the .npy file to write the outputs to (replaced atomically)")
    Path output;
    @Option(names = "--precision", defaultValue = "f32",
            description = "f32 or bf16 (a CPU with native bf16 arithmetic) (default ${DEFAULT-VALUE})")
    String precision;
    @Option(names = "--threads", defaultValue = "0",
            description = "OpenMP threads, 1 to " + Threads.MAX + ", or 0 for all cores (default ${DEFAULT-VALUE})")
    int threads;
    @Option(names = "--json", description = "end with one JSON line of what was written") boolean json;

    @Override
    public Integer call() throws Exception {
        Precision arithmetic = InferenceOptions.precision(precision);
        int threadCount = InferenceOptions.threads(threads);
        NpyFile.Array images = NpyFile.read(input);
        try (SimpleCNN model = SimpleCNN.load(modelFile)) {
            long[] image = model.network().inputShape();
            long[] shape = images.shape();
            if (shape.length != 4 || shape[0] < 1 || !Arrays.equals(Arrays.copyOfRange(shape, 1, 4), image)) {
                throw new DataFormatException(input.toString(), "has shape " + NpyFile.shape(shape) + "; the model "
                        + modelFile + " takes N x " + image[0] + " x " + image[1] + " x " + image[2]
                        + " (N >= 1, channels x height x width)");
            }
            int count = Math.toIntExact(shape[0]);
            float[] outputs;
            long start = System.nanoTime();
            try (CompiledModel compiled = CompiledModel.of(model, Math.min(count, BATCH), arithmetic);
                 Predictor predictor = compiled.newPredictor(threadCount)) {
                outputs = predict(predictor, images.values(), count, compiled.imageSize(), compiled.outputSize());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] outputShape = {count, outputs.length / count};
            NpyFile.write(output, outputShape, outputs);
            if (json) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("output", output.toString());
                result.put("shape", outputShape);
                result.put("precision", arithmetic.name().toLowerCase(Locale.ROOT));
                result.put("threads", threadCount);
                result.put("seconds", seconds);
                System.out.println(new ObjectMapper().writeValueAsString(result));
            } else {
                System.out.printf(Locale.ROOT, "wrote %s: %s float32 outputs of %d image(s) (%s, %d thread(s), %.3f s)%n",
                        output, NpyFile.shape(outputShape), count, arithmetic.name().toLowerCase(Locale.ROOT),
                        threadCount, seconds);
            }
        }
        return 0;
    }

    /** The outputs of all {@code count} images, in batches of at most the predictor's. */
    private static float[] predict(Predictor predictor, float[] images, int count, int imageSize, int outputSize) {
        long total = (long) count * outputSize;
        if (total > NpyFile.MAX_VALUES) {
            throw new IllegalArgumentException(count + " images of " + outputSize + " outputs each would be " + total
                    + " values, more than the " + NpyFile.MAX_VALUES + " an output file may hold");
        }
        float[] outputs = new float[(int) total];
        int batch = predictor.model().maxBatch();
        for (int from = 0; from < count; from += batch) {
            int n = Math.min(batch, count - from);
            float[] in = Arrays.copyOfRange(images, from * imageSize, (from + n) * imageSize);
            float[] out = new float[n * outputSize];
            predictor.predict(in, out);
            System.arraycopy(out, 0, outputs, from * outputSize, out.length);
        }
        return outputs;
    }
}
