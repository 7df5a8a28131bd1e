package dev.jdnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.SimpleCNN;
import dev.jdnn.data.Dataset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run}: a model on a NumPy array. The input fixture was written by NumPy's np.save
 * (cli/src/test/python/make_npy_fixtures.py) and the output is read back by NumPy's np.load; the outputs are checked
 * against the model's layer-by-layer predictions (which core's OnnxImportTest checks against ONNX Runtime).
 */
class RunCommandTest {
    private static final Path NPY = Path.of("src/test/resources/fixtures/npy");
    private static final Path ONNX = Path.of("../core/src/test/resources/fixtures/onnx-import");
    private static final Path JDNN_MODEL = Path.of("../core/src/test/resources/dev/jdnn/golden/seed-example-v1.jdnn");

    @TempDir
    Path folder;

    @Test
    void anOnnxModelRunsOnNumpysArrayAndNumpyReadsItsOutputs() throws Exception {
        Path output = folder.resolve("logits.npy");
        Run run = Run.of("run", "--model", ONNX.resolve("residual_opset13.onnx").toString(), "--input",
                NPY.resolve("residual_input.npy").toString(), "--output", output.toString(), "--threads", "1",
                "--json");
        assertEquals(0, run.status(), run.stderr());
        JsonNode json = new ObjectMapper().readTree(run.stdout().strip().lines().toList().getLast());
        assertEquals("f32", json.get("precision").asText());

        assumeTrue(numpyInstalled(), "python3 with NumPy is not installed");
        JsonNode numpy = numpy("""
                import json, sys, numpy as np
                x = np.load(sys.argv[1]); y = np.load(sys.argv[2])
                print(json.dumps({"x": x.ravel().tolist(), "x_shape": x.shape, "y": y.ravel().tolist(),
                                  "y_shape": y.shape, "y_dtype": y.dtype.str, "y_fortran": bool(np.isfortran(y))}))
                """, NPY.resolve("residual_input.npy"), output);
        assertEquals("<f4", numpy.get("y_dtype").asText());
        assertFalse(numpy.get("y_fortran").asBoolean());
        float[] images = floats(numpy.get("x"));
        try (SimpleCNN model = SimpleCNN.load(ONNX.resolve("residual_opset13.onnx"))) {
            float[] expected = predictRaw(model, images, 3);
            assertEquals("[3," + expected.length / 3 + "]", numpy.get("y_shape").toString());
            assertClose(expected, floats(numpy.get("y")), "run's outputs, as NumPy reads them");
        }
    }

    /** A jdnn model file too, on an array written by NpyFile (checked against NumPy above), in several batches. */
    @Test
    void aJdnnModelRunsInBatches() throws Exception {
        try (SimpleCNN model = SimpleCNN.load(JDNN_MODEL)) {
            long[] image = model.network().inputShape();
            int count = RunCommand.BATCH + 5;
            float[] images = new float[Math.toIntExact(count * image[0] * image[1] * image[2])];
            Random random = new Random(5);
            for (int i = 0; i < images.length; i++) images[i] = random.nextFloat();
            Path input = folder.resolve("x.npy");
            NpyFile.write(input, new long[] {count, image[0], image[1], image[2]}, images);
            Path output = folder.resolve("y.npy");
            Run run = Run.of("run", "--model", JDNN_MODEL.toString(), "--input", input.toString(), "--output",
                    output.toString());
            assertEquals(0, run.status(), run.stderr());
            NpyFile.Array outputs = NpyFile.read(output);
            float[] expected = predictRaw(model, images, count);
            assertArrayEquals(new long[] {count, expected.length / count}, outputs.shape());
            assertClose(expected, outputs.values(), "run's outputs of a jdnn model");
        }
    }

    @Test
    void whatNumpyWritesButRunDoesNotTakeIsRefusedWithExitStatus2() throws Exception {
        String model = ONNX.resolve("residual_opset13.onnx").toString();
        assertRefused(model, NPY.resolve("float64.npy"), "'<f8'", "allowed: '<f4'");
        assertRefused(model, NPY.resolve("big_endian.npy"), "'>f4'", "allowed: '<f4'");
        assertRefused(model, NPY.resolve("fortran.npy"), "Fortran", "C order");
        assertRefused(ONNX.resolve("mobile_opset13.onnx").toString(), NPY.resolve("residual_input.npy"),
                "has shape (3, 1, 28, 28)", "takes N x 3 x 32 x 32");
    }

    @Test
    void malformedAndHostileFilesAreRefusedWithExitStatus2() throws Exception {
        String model = ONNX.resolve("residual_opset13.onnx").toString();
        byte[] good = Files.readAllBytes(NPY.resolve("residual_input.npy"));
        assertRefused(model, write("truncated.npy", Arrays.copyOf(good, good.length - 1)), "(truncated)");
        byte[] longer = Arrays.copyOf(good, good.length + 4);
        assertRefused(model, write("longer.npy", longer), "data after the array");
        assertRefused(model, write("magic.npy", "PK\u0003\u0004 not numpy".getBytes(StandardCharsets.ISO_8859_1)),
                "magic");
        assertRefused(model, write("short.npy", new byte[] {(byte) 0x93, 'N', 'U'}), "truncated");
        assertRefused(model, write("version.npy", header(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }")),
                "version 2.0");
        ByteBuffer huge = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        huge.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) 0xFFFF);
        assertRefused(model, write("header.npy", huge.array()), "header of 65535 bytes");
        assertRefused(model, write("dims.npy", header(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536, 65536), }")),
                "more than the 268435456 values");
        assertRefused(model, write("syntax.npy", header(1, "{'descr': '<f4', 'fortran_order': False, 'shape': [3], }")),
                "not NumPy's dict literal");
        assertRefused(model, write("keys.npy", header(1, "{'descr': '<f4', 'shape': (1,), }")), "exactly descr");
        assertRefused(model, write("twice.npy", header(1, "{'descr': '<f4', 'descr': '<f4', 'shape': (1,), }")), "twice");
        assertRefused(model, write("negative.npy", header(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }")),
                "not a non-negative integer");
        assertRefused(model, folder, "not a regular file");
        assertRefused(model, folder.resolve("absent.npy"), "no such file");
    }

    @Test
    void aRefusedInputLeavesAnExistingOutputAsItWas() throws Exception {
        Path output = folder.resolve("kept.npy");
        Files.writeString(output, "before");
        Run run = Run.of("run", "--model", ONNX.resolve("residual_opset13.onnx").toString(), "--input",
                NPY.resolve("float64.npy").toString(), "--output", output.toString());
        assertEquals(2, run.status(), run.stderr());
        assertEquals("before", Files.readString(output));
    }

    @Test
    void badOptionsAreRefusedWithExitStatus2() {
        String model = ONNX.resolve("residual_opset13.onnx").toString();
        String input = NPY.resolve("residual_input.npy").toString();
        String output = folder.resolve("y.npy").toString();
        Run precision = Run.of("run", "--model", model, "--input", input, "--output", output, "--precision", "f16");
        assertEquals(2, precision.status(), precision.stderr());
        assertTrue(precision.stderr().contains("--precision 'f16' is not one of f32, bf16"), precision.stderr());
        Run threads = Run.of("run", "--model", model, "--input", input, "--output", output, "--threads", "-1");
        assertEquals(2, threads.status(), threads.stderr());
        assertTrue(threads.stderr().contains("--threads -1 is out of range"), threads.stderr());
        assertFalse(Files.exists(Path.of(output)));
    }

    /** The .npy header NpyFile writes is NumPy's: its values start at a multiple of 64 bytes. */
    @Test
    void writtenFilesReadBackAndAlignTheirValues() throws IOException {
        Path file = folder.resolve("round.npy");
        float[] values = {1.5f, -2f, Float.MIN_VALUE, 7f, 0f, -0f};
        NpyFile.write(file, new long[] {2, 3}, values);
        NpyFile.Array read = NpyFile.read(file);
        assertArrayEquals(new long[] {2, 3}, read.shape());
        assertArrayEquals(values, read.values());
        assertEquals(0, (Files.size(file) - values.length * Float.BYTES) % 64);
        assertEquals("(3,)", NpyFile.shape(new long[] {3}));
    }

    private void assertRefused(String model, Path input, String... phrases) {
        Path output = folder.resolve("refused.npy");
        Run run = Run.of("run", "--model", model, "--input", input.toString(), "--output", output.toString());
        assertEquals(2, run.status(), input + ": " + run.stderr());
        String message = run.stderr().strip();
        assertEquals(1, message.lines().count(), "one line on stderr: " + message);
        assertTrue(message.startsWith("jdnn: " + input), message);
        for (String phrase : phrases) assertTrue(message.contains(phrase), phrase + " not in: " + message);
        assertFalse(Files.exists(output), "no output for a refused input");
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(folder.resolve(name), bytes);
    }

    /** A .npy file of format {@code major}.0 with {@code dict} as its header and no values. */
    private static byte[] header(int major, String dict) {
        byte[] text = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer bytes = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0}).putShort((short) text.length)
                .put(text);
        return bytes.array();
    }

    private static float[] predictRaw(SimpleCNN model, float[] images, int count) {
        long[] image = model.network().inputShape();
        float[][] rows = model.predictRaw(Dataset.of(images, count, (int) image[0], (int) image[1], (int) image[2],
                new int[count], Dataset.numberedClasses(1)));
        float[] flat = new float[count * rows[0].length];
        for (int i = 0; i < count; i++) System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
        return flat;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": values");
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(scale > 0 && worst <= 1e-4 * scale, what + ": max difference " + worst + " over max output " + scale);
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) values[i] = (float) array.get(i).asDouble();
        return values;
    }

    private static boolean numpyInstalled() throws InterruptedException {
        try {
            Process process = new ProcessBuilder("python3", "-c", "import numpy").start();
            return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** What a python3 {@code script} prints as JSON, given {@code args}. */
    private static JsonNode numpy(String script, Path... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", "-c", script));
        for (Path arg : args) command.add(arg.toString());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "python3 did not finish");
        assertEquals(0, process.exitValue(), "python3 failed; its output: " + out);
        return new ObjectMapper().readTree(out);
    }
}
