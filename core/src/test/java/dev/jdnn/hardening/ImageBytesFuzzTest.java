package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.DataFormatException;
import dev.jdnn.data.Preprocessing;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes encoded image bytes given in memory (issue 20): {@link Preprocessing#apply(byte[], int, int, int)} at two
 * model sizes and {@link SimpleCNN#predictImage(byte[])} of a tiny fitted model. The bytes are hostile PNG, JPEG or
 * BMP data; the only exceptions allowed are DataFormatException and IllegalArgumentException, and prepared values
 * must lie in [0, 1] (the default preprocessing).
 */
class ImageBytesFuzzTest {
    private static SimpleCNN model;

    @BeforeAll
    static void fitTinyModel() {
        model = SimpleCNN.builder().inChannels(1).inFeatures(List.of(8, 3)).outChannels(2).outFeatures(2).epochs(1)
                .batchSize(4).threads(1).seed(1).progress(false).build();
        float[] pixels = new float[8 * 16];
        for (int i = 0; i < pixels.length; i++) pixels[i] = i % 5 / 5f;
        model.fit(pixels, new int[] {8, 1, 4, 4}, new int[] {0, 1, 0, 1, 0, 1, 0, 1});
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @FuzzTest
    void decode(byte[] bytes) {
        try {
            inUnitRange(Preprocessing.DEFAULT.apply(bytes, 1, 6, 4));
            inUnitRange(Preprocessing.DEFAULT.apply(bytes, 3, 5, 7));
            int predicted = model.predictImage(bytes);
            assertTrue(predicted == 0 || predicted == 1, "class " + predicted);
        } catch (DataFormatException | IllegalArgumentException refused) {
            // documented: not a PNG, JPEG or BMP image that decodes, or more pixels than jdnn prepares
        }
    }

    private static void inUnitRange(float[] values) {
        for (float v : values) assertTrue(v >= -1e-6f && v <= 1 + 1e-6f, "a value outside [0, 1]: " + v);
    }
}
