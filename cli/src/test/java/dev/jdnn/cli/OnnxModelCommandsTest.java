package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.data.IdxFiles;
import dev.jdnn.data.Preprocessing;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code predict} with preprocessing flags and {@code train --model} on an ONNX file (core's residual fixture). */
class OnnxModelCommandsTest {
    private static final Path ONNX = Path.of("../core/src/test/resources/fixtures/onnx-import");
    private static final Path RESIDUAL = ONNX.resolve("residual_opset13.onnx");

    @TempDir
    static Path folder;
    private static Path data;
    private static Dataset test;

    @BeforeAll
    static void writeSmallDataSet() throws IOException {
        Datasets.TrainTest embedded = Datasets.embeddedDefault();
        data = Files.createDirectory(folder.resolve("data"));
        IdxFiles.writeUbyte(embedded.train().head(200), data, "train");
        test = embedded.test().head(50);
        IdxFiles.writeUbyte(test, data, "t10k");
    }

    /** The flags replace the stored preprocessing: predict's answer is the model's on the image prepared so. */
    @Test
    void predictPreparesImagesAsTheFlagsSay() throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) image.getRaster().setSample(x, y, 0, (x * 7 + y * 3) % 256);
        Path png = folder.resolve("image.png");
        ImageIO.write(image, "png", png.toFile());
        Preprocessing flags = Preprocessing.DEFAULT.withScale(1.0 / 200).withMeanAndStd(new float[] {0.5f},
                new float[] {0.25f});
        Run plain = Run.of("predict", "--model", RESIDUAL.toString(), png.toString());
        Run run = Run.of("predict", "--model", RESIDUAL.toString(), "--scale", "0.005", "--mean", "0.5", "--std",
                "0.25", png.toString());
        assertEquals(0, run.status(), run.stderr());
        try (SimpleCNN model = SimpleCNN.load(RESIDUAL)) {
            assertEquals(expectedLine(model, png, image, flags), run.stdout().strip());
            assertEquals(expectedLine(model, png, image, Preprocessing.DEFAULT), plain.stdout().strip());
        }
        assertNotEquals(plain.stdout(), run.stdout(), "the flags should change the prepared image");
    }

    @Test
    void predictRefusesPreprocessingOutOfRange() throws IOException {
        Path png = folder.resolve("gray.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        assertRefused("std[0] = 0.0 is out of range", "predict", "--model", RESIDUAL.toString(), "--std", "0",
                png.toString());
        assertRefused("mean = [0.1, 0.2]", "predict", "--model", RESIDUAL.toString(), "--mean", "0.1,0.2",
                png.toString());
        assertRefused("--channel-order 'rbg' is not one of rgb, bgr", "predict", "--model", RESIDUAL.toString(),
                "--channel-order", "rbg", png.toString());
    }

    /**
     * Fine-tuning from the file: a step too small to move a float leaves the saved model computing what the ONNX file
     * computes (so training started from its weights), saved as ONNX. A jdnn model file is refused before training
     * (model files version 1 hold the SimpleCNN's own network only).
     */
    @Test
    void trainFineTunesAnOnnxFileFromItsWeights() throws IOException {
        Path saved = folder.resolve("tuned.onnx");
        Run run = Run.of("train", "--model", RESIDUAL.toString(), "--data", data.toString(), "--epochs", "1",
                "--batch-size", "50", "--optimizer", "sgd", "--learning-rate", "1e-30", "--threads", "1", "--json",
                "--save", saved.toString());
        assertEquals(0, run.status(), run.stderr());
        JsonNode json = new ObjectMapper().readTree(run.stdout().strip().lines().toList().getLast());
        assertEquals(1, json.get("epochs_run").asInt(), json.toString());
        try (SimpleCNN onnx = SimpleCNN.load(RESIDUAL); SimpleCNN tuned = SimpleCNN.load(saved)) {
            float[][] expected = onnx.predictRaw(test.head(4));
            float[][] actual = tuned.predictRaw(test.head(4));
            for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], actual[i], 1e-5f, "image " + i);
            assertEquals(onnx.evaluate(test).accuracy(), json.get("test_acc").asDouble(), 1e-9, "test_acc");
        }
    }

    @Test
    void trainRefusesAModelThatDoesNotFitTheRun() {
        assertRefused("takes images of shape [3, 32, 32]", "train", "--model",
                ONNX.resolve("mobile_opset13.onnx").toString(), "--data", data.toString(), "--epochs", "1");
        assertRefused("leave out --dilation", "train", "--model", RESIDUAL.toString(), "--dilation", "2", "--data",
                data.toString());
        assertRefused("give --model or --resume", "train", "--model", RESIDUAL.toString(), "--resume",
                folder.toString(), "--data", data.toString());
        assertRefused("no-such.onnx", "train", "--model", "no-such.onnx", "--data", data.toString());
        assertRefused("give a name ending in .onnx", "train", "--model", RESIDUAL.toString(), "--data",
                data.toString(), "--save", folder.resolve("tuned.jdnn").toString());
    }

    private static String expectedLine(SimpleCNN model, Path png, BufferedImage image, Preprocessing preprocessing) {
        float[] input = preprocessing.apply(image, 1, 28, 28);
        float[] p = model.predictProba(Dataset.of(input, 1, 1, 28, 28, new int[1], Dataset.numberedClasses(1)))[0];
        int best = 0;
        for (int c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
        List<String> names = model.classNames();
        return String.format(Locale.getDefault(), "%s\t%s\t%.4f", png, names.get(best), p[best]);
    }

    private static void assertRefused(String phrase, String... args) {
        Run run = Run.of(args);
        assertEquals(2, run.status(), String.join(" ", args) + ": " + run.stdout() + run.stderr());
        assertTrue(run.stderr().contains(phrase), phrase + " not in: " + run.stderr());
    }
}
