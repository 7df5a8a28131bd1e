package dev.jdnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.data.DataFormatException;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.data.Preprocessing;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Predicting from images with the preprocessing stored in the model: it survives a save and a load, and the
 * image given to SimpleCNN or a Predictor (as a BufferedImage or PNG bytes) predicts what the model predicts on
 * the input a naive reference prepares from the same pixels with the stored mean and std.
 */
class ImagePredictionTest {
    private static final float MEAN = 0.3f;
    private static final float STD = 0.4f;
    private static final Preprocessing PREPROCESSING =
            Preprocessing.DEFAULT.withMeanAndStd(new float[] {MEAN}, new float[] {STD});
    private static SimpleCNN model;
    private static BufferedImage image;
    private static byte[] png;
    private static Dataset reference;
    private static Dataset unnormalized;
    @TempDir
    static Path folder;

    @BeforeAll
    static void trainSaveAndLoad() throws IOException {
        Dataset train = SimpleCNNTest.crops(Datasets.embeddedDefault().train()).head(300);
        try (SimpleCNN trained = SimpleCNN.builder().epochs(1).batchSize(50).seed(5).threads(1).progress(false)
                .preprocessing(PREPROCESSING).build()) {
            trained.fit(train.standardized(new float[] {MEAN}, new float[] {STD}));
            trained.save(folder.resolve("model.jdnn"));
        }
        model = SimpleCNN.load(folder.resolve("model.jdnn"));
        // A gray 16 x 8 image of a test crop: its samples are the crop's bytes (the crop holds byte / 255).
        Dataset crop = SimpleCNNTest.crops(Datasets.embeddedDefault().test()).head(1);
        image = new BufferedImage(16, 8, BufferedImage.TYPE_BYTE_GRAY);
        float[] normalized = new float[128];
        float[] plain = new float[128];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                int sample = Math.round(crop.pixel(0, 0, y, x) * 255);
                image.getRaster().setSample(x, y, 0, sample);
                plain[y * 16 + x] = sample / 255f;
                normalized[y * 16 + x] = (sample / 255f - MEAN) / STD;
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        png = bytes.toByteArray();
        reference = Dataset.of(normalized, 1, 1, 8, 16, new int[1], Dataset.numberedClasses(1));
        unnormalized = Dataset.of(plain, 1, 1, 8, 16, new int[1], Dataset.numberedClasses(1));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void theStoredMeanAndStdComeBackFromTheFile() {
        assertEquals(PREPROCESSING, model.preprocessing());
    }

    @Test
    void anImageAndItsPngBytesPredictWhatTheReferenceInputPredicts() throws IOException {
        float[] expected = model.predictProba(reference)[0];
        assertArrayEquals(expected, model.predictImageProba(image));
        assertArrayEquals(expected, model.predictImageProba(png));
        int expectedClass = model.predict(reference)[0];
        assertEquals(expectedClass, model.predictImage(image));
        assertEquals(expectedClass, model.predictImage(png));
        // The mean and std change the input: without them the model sees other logits.
        assertFalse(Arrays.equals(model.predictRaw(reference)[0], model.predictRaw(unnormalized)[0]));
    }

    @Test
    void aPredictorTakesThePreprocessingFromItsCompiledModel() throws IOException {
        try (CompiledModel compiled = CompiledModel.of(model, 4); Predictor predictor = compiled.newPredictor()) {
            assertEquals(PREPROCESSING, compiled.preprocessing());
            int expected = predictor.predictClass(reference.toArray());
            assertEquals(expected, predictor.predictImage(image));
            assertEquals(expected, predictor.predictImage(png));
            assertThrows(DataFormatException.class, () -> predictor.predictImage(new byte[] {1, 2, 3}));
        }
    }

    @Test
    void undecodableBytesAreADataFormatException() {
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> model.predictImage("GIF89a".getBytes()));
        assertTrue(e.getMessage().startsWith("image bytes: unreadable image"), e.getMessage());
    }

    @Test
    void aPreprocessingThatDoesNotFitTheChannelsIsRefusedBeforeTraining() {
        Preprocessing three = Preprocessing.DEFAULT.withMeanAndStd(new float[] {0.1f, 0.2f, 0.3f}, new float[] {1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimpleCNN.builder().inputShape(1, 8, 16).preprocessing(three).build());
        assertEquals("preprocessing mean = [0.1, 0.2, 0.3] is out of range; allowed: 1 value or 1 (one per input channel)",
                e.getMessage());
        try (SimpleCNN unchecked = SimpleCNN.builder().epochs(1).progress(false).preprocessing(three).build()) {
            Dataset crops = SimpleCNNTest.crops(Datasets.embeddedDefault().train()).head(20);
            assertThrows(IllegalArgumentException.class, () -> unchecked.fit(crops));
            assertEquals(null, unchecked.network(), "nothing was built");
        }
        assertThrows(IllegalArgumentException.class, () -> SimpleCNN.builder().preprocessing(null).build());
    }

    @Test
    void aModelOfOtherThanOneOrThreeChannelsRefusesImages() {
        try (SimpleCNN two = SimpleCNN.builder().inChannels(List.of(2, 6)).epochs(1).progress(false).build()) {
            float[] pixels = new float[4 * 2 * 8 * 16];
            two.fit(Dataset.of(pixels, 4, 2, 8, 16, new int[4], Dataset.numberedClasses(2)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> two.predictImage(image));
            assertEquals("images give 1 (gray) or 3 (colour) channels, the model takes 2", e.getMessage());
        }
    }
}
