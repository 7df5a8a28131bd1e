package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jdnn.data.Datasets;
import dev.jdnn.data.IdxFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 15: every numeric option is checked against the range its help states, in this JVM (a refused value stops
 * before any training). The expected lines are written out here, not built from the constants they come from.
 */
class OptionRangeTest {
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

    private static String[] train(String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--json"));
        args.addAll(List.of(options));
        return args.toArray(String[]::new);
    }

    private static final String THREADS = "allowed: 1..1024, or 0 for all cores";
    private static final String RATE = "allowed: 1.4E-45 to 3.4028235E38 once rounded to float32";

    /** Each refused value and the one line it must give; the first five ran before (issue 15). */
    static Stream<Arguments> outOfRange() {
        return Stream.of(
                refused(train("--threads", "-3"), "--threads -3 is out of range; " + THREADS),
                refused(train("--learning-rate", "1e300"), "--learning-rate 1.0E300 is out of range; " + RATE),
                refused(train("--learning-rate", "1e-50"), "--learning-rate 1.0E-50 is out of range; " + RATE),
                refused(train("--learning-rate", "3.5e38"), "--learning-rate 3.5E38 is out of range; " + RATE),
                refused(new String[] {"bench", "w1", "--threads", "2000"},
                        "--threads 2000 is out of range; allowed: 1..1024"),
                refused(train("--threads", "100000"), "--threads 100000 is out of range; " + THREADS),
                refused(train("--threads", "-2147483648"), "--threads -2147483648 is out of range; " + THREADS),
                refused(train("--learning-rate", "NaN"), "--learning-rate NaN is out of range; " + RATE),
                refused(train("--learning-rate", "-1"), "--learning-rate -1.0 is out of range; " + RATE),
                refused(train("--learning-rate", "0"), "--learning-rate 0.0 is out of range; " + RATE),
                refused(train("--learning-rate", "Infinity"), "--learning-rate Infinity is out of range; " + RATE),
                refused(train("--optimizer", "sgd", "--learning-rate", "-Infinity"),
                        "--learning-rate -Infinity is out of range; " + RATE),
                refused(train("--epochs", "0"), "--epochs 0 is out of range; allowed: > 0"),
                refused(train("--epochs", "-1"), "--epochs -1 is out of range; allowed: > 0"),
                refused(train("--batch-size", "-5"), "--batch-size -5 is out of range; allowed: > 0"),
                refused(train("--batch-size", "0"), "--batch-size 0 is out of range; allowed: > 0"),
                refused(train("--dilation", "0"), "--dilation 0 is out of range; allowed: > 0"),
                refused(train("--dilation", "-2"), "--dilation -2 is out of range; allowed: > 0"),
                refused(new String[] {"bench", "w1", "--threads", "0"}, "--threads 0 is out of range; allowed: 1..1024"),
                refused(new String[] {"bench", "w1", "--epochs", "0"}, "--epochs 0 is out of range; allowed: > 0"));
    }

    private static Arguments refused(String[] args, String line) {
        return Arguments.of(String.join(" ", args).replace(data.toString(), "DIR"), args, line);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfRange")
    void aValueOutOfRangeExitsWith2AndOneLineNamingTheOptionTheValueAndTheRange(String name, String[] args,
                                                                                 String line) {
        Run run = Run.of(args);
        assertEquals(2, run.status(), name + ": " + run.stderr());
        assertEquals("jdnn: " + line + System.lineSeparator(), run.stderr(), name);
        assertEquals("", run.stdout(), name + " printed before it was refused");
    }

    /** The ends of the ranges still run: the smallest rate, one thread, a batch larger than the data, any seed. */
    @Test
    void theEndsOfTheRangesRun() {
        Run run = Run.of(train("--epochs", "1", "--learning-rate", "1.4E-45", "--threads", "1", "--batch-size",
                "2147483647", "--seed", "-9223372036854775808"));
        assertEquals(0, run.status(), run.stderr());
    }

    /**
     * Issue 20: a model "file" that is a FIFO blocked predict for ever in open(2); now it is refused before it is
     * opened, exit 2 with one line. The timeout turns a regression into a failure instead of a hung build.
     */
    @Test
    void predictWithAFifoAsTheModelExitsWith2() throws Exception {
        Path fifo = folder.resolve("model.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor(), "mkfifo");
        Run run = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Run.of("predict", "--model", fifo.toString(), folder.resolve("x.png").toString()),
                "predict blocked on the FIFO");
        assertEquals(2, run.status(), run.stderr());
        assertEquals("jdnn: " + fifo + ": a FIFO (named pipe), not a regular file; a model file must be a regular file"
                + System.lineSeparator(), run.stderr());
    }

    /** The help states each range the checks enforce. */
    @Test
    void theHelpStatesTheRanges() {
        String train = Run.of("train", "--help").stdout().replaceAll("\\s+", " ");
        for (String range : List.of("--epochs=<epochs> epochs, 1 or more", "images per batch, 1 or more",
                "step size, 1.4E-45 to 3.4028235E38", "OpenMP threads, 1 to 1024, or 0 for all cores", "any integer",
                "filter taps, 1 (none) or more")) {
            assertEquals(true, train.contains(range), range + " in " + train);
        }
        String bench = Run.of("bench", "--help").stdout().replaceAll("\\s+", " ");
        for (String range : List.of("test-accuracy run, 1 to 1024", "test-accuracy run, 1 or more", "any integer")) {
            assertEquals(true, bench.contains(range), range + " in " + bench);
        }
    }
}
