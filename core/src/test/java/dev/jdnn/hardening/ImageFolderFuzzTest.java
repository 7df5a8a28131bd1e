package dev.jdnn.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jdnn.data.DataFormatException;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.ImageFiles;
import dev.jdnn.data.ImageFolderReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes image decoding for training and prediction: the bytes become the only image of a one-class folder, read by
 * {@link ImageFolderReader} as it is and with a size and channel count set, and by {@link ImageFiles}. The name ends
 * in .png, but the decoders recognise PNG, BMP and JPEG by their content, and the seeds hold all three. The only
 * exception allowed is DataFormatException; a decoded image must have values in [0, 1].
 */
class ImageFolderFuzzTest {
    @TempDir
    static Path root;
    private static Path image;

    @BeforeAll
    static void classFolder() throws IOException {
        image = Files.createDirectory(root.resolve("only-class")).resolve("image.png");
    }

    @FuzzTest
    void readFolder(byte[] bytes) throws IOException {
        Files.write(image, bytes);
        try {
            check(new ImageFolderReader().read(root));
            check(new ImageFolderReader().withChannels(3).withSize(5, 7).read(root));
            check(ImageFiles.read(List.of(image), 1, 6, 4));
        } catch (DataFormatException refused) {
            // documented: not a decodable PNG, JPEG or BMP image
        }
    }

    private static void check(Dataset data) {
        assertEquals(1, data.count(), "one image");
        for (float v : data.toArray()) {
            assertTrue(v >= -1e-6f && v <= 1 + 1e-6f, "a pixel value outside [0, 1]: " + v);
        }
    }
}
