package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jdnn.SimpleCNN;
import dev.jdnn.hardening.ModelFileBytes;
import dev.jdnn.runtime.CountingArena;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: {@code predict --model} with a small forged model file whose network oneDNN cannot run (it crashed the
 * JVM with SIGSEGV) exits 2 with one line, refused before any native allocation.
 */
class HostileModelTest {
    @TempDir
    static Path folder;

    /**
     * A fitted model of a 1 x 1 convolution to 4,096 channels, batch norm and a pool to 1 x 1, saved for 1 x 1 images,
     * with its input shape then set to 1 x 363 x 363 and its pool to 363 x 363: the same parameters, and a batch norm
     * input of 4096 x 363 x 363 floats, 2,158,903,296 bytes per image, past oneDNN's 2^31 - 1 (NativeLimits).
     */
    @Test
    void aModelWhoseBatchNormExceedsTheImageLimitExitsWith2AndOneLine() throws Exception {
        Path file = folder.resolve("bnorm-4096x363x363.jdnn");
        try (SimpleCNN model = SimpleCNN.builder().inChannels(1).outChannels(4096).filterSize(1).padding("same")
                .batchNorm(true).poolFilterSize(1).poolStride(1).inFeatures(4096).outFeatures(2).epochs(1)
                .batchSize(2).validSize(0.2).threads(1).seed(1).progress(false).build()) {
            model.fit(new float[] {0.1f, 0.9f, 0.4f, 0.6f, 0.3f}, new int[] {5, 1, 1, 1}, new int[] {0, 1, 0, 1, 0});
            model.save(file);
        }
        Files.write(file, ModelFileBytes.editHeaderAsVersion1(Files.readAllBytes(file), header -> {
            header.putArray("input_shape").add(1).add(363).add(363);
            ((ObjectNode) header.get("config")).put("pool_filter_size", 363).put("pool_stride", 363);
        }));
        assertTrue(Files.size(file) < 200_000, "a small file: " + Files.size(file) + " bytes");
        Path image = folder.resolve("pixel.png");
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png", image.toFile());

        long live = CountingArena.liveBytes();
        long allocated = CountingArena.allocatedBytes();
        Run run = Run.of("predict", "--model", file.toString(), image.toString());
        assertEquals(2, run.status(), run.stderr());
        assertEquals("", run.stdout());
        assertEquals(1, run.stderr().lines().count(), run.stderr());
        assertTrue(run.stderr().startsWith("jdnn: ") && run.stderr().contains("batchnorm2d(4096) gets 2158903296 bytes"
                + " per image") && run.stderr().contains("2147483647"), run.stderr());
        assertEquals(live, CountingArena.liveBytes(), "native bytes held after the refusal");
        assertTrue(CountingArena.allocatedBytes() - allocated < 1 << 20,
                "allocated " + (CountingArena.allocatedBytes() - allocated) + " bytes before the refusal");
    }
}
