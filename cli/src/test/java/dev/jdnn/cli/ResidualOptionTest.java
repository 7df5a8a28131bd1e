package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Datasets;
import dev.jdnn.data.IdxFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/jdnn train --residual, in this JVM: it trains the seed's network with shortcuts, and --resume refuses it. */
class ResidualOptionTest {
    @TempDir
    static Path folder;
    private static Path data;

    @BeforeAll
    static void writeSmallDataSet() throws IOException {
        Datasets.TrainTest embedded = Datasets.embeddedDefault();
        data = Files.createDirectory(folder.resolve("data"));
        IdxFiles.writeUbyte(embedded.train().head(200), data, "train");
        IdxFiles.writeUbyte(embedded.test().head(50), data, "t10k");
    }

    private static Run train(Path model, String... options) {
        String[] args = {"train", "--data", data.toString(), "--json", "--epochs", "1", "--batch-size", "50",
                "--threads", "1", "--save", model.toString()};
        String[] all = new String[args.length + options.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(options, 0, all, args.length, options.length);
        return Run.of(all);
    }

    @Test
    void residualTrainsAModelWithShortcutsAndWithoutItThereAreNone() throws Exception {
        Path residual = folder.resolve("residual.jdnn");
        Run run = train(residual, "--residual");
        assertEquals(0, run.status(), run.stderr());
        try (SimpleCNN model = SimpleCNN.load(residual)) {
            assertTrue(model.config().residual(), "the model file keeps residual");
        }
        // 1 -> 32 and 32 -> 64 channels: both blocks need a projection.
        String summary = Run.of("summary", "--model", residual.toString()).stdout();
        assertTrue(summary.contains("  conv2d(1->32, 1x1, same, no bias)") && summary.contains("  add "), summary);

        Path plain = folder.resolve("plain.jdnn");
        run = train(plain);
        assertEquals(0, run.status(), run.stderr());
        try (SimpleCNN model = SimpleCNN.load(plain)) {
            assertFalse(model.config().residual());
        }
        summary = Run.of("summary", "--model", plain.toString()).stdout();
        assertFalse(summary.contains("  add "), summary);
    }

    @Test
    void resumeRefusesResidual() {
        Run run = Run.of("train", "--resume", folder.toString(), "--residual");
        assertEquals(2, run.status(), run.stderr());
        assertEquals("jdnn: --resume continues the checkpointed run with its own settings; leave out --residual"
                + System.lineSeparator(), run.stderr());
    }

    @Test
    void theHelpDescribesResidual() {
        String help = Run.of("train", "--help").stdout().replaceAll("\\s+", " ");
        assertTrue(help.contains("--residual add a shortcut around each conv block's convolution and batch norm"),
                help);
    }
}
