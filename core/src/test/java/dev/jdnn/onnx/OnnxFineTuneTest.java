package dev.jdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.jdnn.Metric;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An imported ONNX model trained further in jdnn (SimpleCNNBuilder.startFrom): the run starts from the file's
 * weights, learns, and its result saves as a jdnn model and exports back to ONNX.
 */
class OnnxFineTuneTest {
    /** W1's shape exported by PyTorch at opset 13 (make_onnx_import_fixtures.py): random weights, 10 classes. */
    private static final Path SEED = Path.of("src/test/resources/fixtures/onnx-import/seed_opset13.onnx");
    /** The residual network: PyTorch folded its batch norms into the convolutions, so nothing moves in training mode. */
    private static final Path RESIDUAL = Path.of("src/test/resources/fixtures/onnx-import/residual_opset13.onnx");

    @Test
    void fineTuningStartsFromTheFilesWeights() throws IOException {
        Dataset data = Datasets.embeddedDefault().train().head(200);
        float[][] imported;
        try (SimpleCNN model = SimpleCNN.load(RESIDUAL)) {
            imported = model.predictRaw(data.head(4));
        }
        // A step too small to move a float: the weights after one epoch are the file's, whatever the data.
        try (SimpleCNN model = SimpleCNN.builder().startFrom(RESIDUAL).optimizer("sgd").learningRate(1e-30)
                .epochs(1).batchSize(50).seed(0).progress(false).verbose(false).build()) {
            model.progressTo(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            model.fit(data);
            float[][] tuned = model.predictRaw(data.head(4));
            for (int i = 0; i < tuned.length; i++) assertArrayEquals(imported[i], tuned[i], 1e-5f, "image " + i);
        }
    }

    @Test
    void anImportedModelLearnsAndSavesAndExportsWhatItLearned(@TempDir Path folder) throws IOException, OrtException {
        Datasets.TrainTest data = Datasets.embeddedDefault();
        double before;
        try (SimpleCNN model = SimpleCNN.load(SEED)) {
            before = model.score(data.test(), Metric.ACCURACY);
        }
        try (SimpleCNN model = SimpleCNN.builder().startFrom(SEED).optimizer("adam").learningRate(3e-3).epochs(2)
                .batchSize(20).seed(0).build()) {
            model.progressTo(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            model.fit(data.train().head(2000));
            double after = model.score(data.test(), Metric.ACCURACY);
            assertTrue(after > before + 0.3, "accuracy " + before + " before fine-tuning, " + after + " after");
            Path saved = folder.resolve("tuned.jdnn");
            model.save(saved);
            Dataset four = data.test().head(4);
            float[][] logits = model.predictRaw(four);
            try (SimpleCNN loaded = SimpleCNN.load(saved)) {
                float[][] again = loaded.predictRaw(four);
                for (int i = 0; i < 4; i++) assertArrayEquals(logits[i], again[i], "image " + i + " after save/load");
            }
            Path onnx = folder.resolve("tuned.onnx");
            OnnxExport.write(model, onnx);
            float[] ort = OrtLogits.of(Files.readAllBytes(onnx), four.toArray(), new long[] {4, 1, 28, 28});
            for (int i = 0; i < 4; i++) {
                for (int k = 0; k < 10; k++) assertEquals(logits[i][k], ort[i * 10 + k], 1e-4 * (1 + Math.abs(logits[i][k])));
            }
        }
    }
}
