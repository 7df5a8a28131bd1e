package dev.jdnn.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jdnn.SimpleCNN;
import dev.jdnn.W1;
import dev.jdnn.data.Dataset;
import dev.jdnn.data.Datasets;
import dev.jdnn.inference.CompiledModel;
import dev.jdnn.inference.Predictor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: jdnn used as a library user uses it. A separate Maven project (src/it/app) whose only dependency is
 * README.md's snippet is built against the artifacts that the build installed into a local repository of its own;
 * it loads a saved model and predicts, once on the class path and once as a JPMS module with jdnn on the module
 * path. Its output must match what jdnn predicts in this JVM, and its resolved dependencies must be jdnn and the
 * platform's native jar, nothing else.
 */
class ConsumerProjectIT {
    private static final int IMAGES = 5;
    private static final Path ROOT = Path.of(System.getProperty("jdnn.test.root"));
    private static final Path WORK = Path.of(System.getProperty("jdnn.test.work"));
    private static final String VERSION = System.getProperty("jdnn.test.version");
    private static final String PLATFORM = System.getProperty("jdnn.test.platform");
    private static Path model;
    private static List<String> expected;

    @BeforeAll
    static void saveModelAndPredict() throws IOException {
        Files.createDirectories(WORK);
        model = WORK.resolve("model.jdnn");
        Dataset train = Datasets.embeddedDefault().train();
        try (SimpleCNN fitted = W1.model(1).progress(false).threads(1).build()) {
            fitted.fit(train.head(300));
            fitted.save(model);
        }
        expected = predictions(model);
    }

    @Test
    void classPath() throws Exception {
        Path app = build("class-path", false);
        List<String> lines = run(app, "--enable-native-access=ALL-UNNAMED", "-cp", classPath(app), "app.Serve");
        assertPredictions(lines, "module null");
    }

    @Test
    void modulePath() throws Exception {
        Path app = build("module-path", true);
        List<String> lines = run(app, "--enable-native-access=dev.jdnn", "-p", classPath(app), "-m", "app/app.Serve");
        assertPredictions(lines, "module dev.jdnn");
    }

    @Test
    void anotherPlatformByProperty() throws Exception {
        Path app = copyWithSnippet("other-platform", false);
        maven(app, "dependency:list", "-DoutputFile=dependencies.txt", "-DincludeScope=runtime",
                "-DexcludeTypes=pom", "-Djdnn.platform=linux-arm64");
        assertEquals(Set.of("dev.jdnn:jdnn:jar", "dev.jdnn:jdnn-natives:jar:linux-arm64"), dependencies(app),
                "-Djdnn.platform=linux-arm64 should pick that platform's native jar");
    }

    /** The same lines as app.Serve prints, computed here; logits are compared to 1e-4 (another process may time
     *  its dense layers to another implementation). */
    private static List<String> predictions(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        try (SimpleCNN loaded = SimpleCNN.load(file);
             CompiledModel compiled = CompiledModel.of(loaded, 1);
             Predictor predictor = compiled.newPredictor()) {
            float[] image = new float[compiled.imageSize()];
            float[] logits = new float[compiled.outputSize()];
            for (int i = 0; i < IMAGES; i++) {
                for (int j = 0; j < image.length; j++) image[j] = ((i * 31 + j * 7) % 256) / 255f;
                predictor.predict(image, logits);
                StringBuilder line = new StringBuilder("image " + i + " class " + predictor.predictClass(image));
                for (float logit : logits) line.append(' ').append(logit);
                lines.add(line.toString());
            }
        }
        return lines;
    }

    private static void assertPredictions(List<String> lines, String moduleLine) {
        assertEquals(IMAGES + 1, lines.size(), "output: " + lines);
        for (int i = 0; i < IMAGES; i++) {
            String[] want = expected.get(i).split(" ");
            String[] got = lines.get(i).split(" ");
            assertEquals(want.length, got.length, lines.get(i));
            for (int k = 0; k < 4; k++) assertEquals(want[k], got[k], "image and class: " + lines.get(i));
            for (int k = 4; k < want.length; k++) {
                float a = Float.parseFloat(want[k]);
                float b = Float.parseFloat(got[k]);
                assertTrue(Math.abs(a - b) <= 1e-4f * Math.max(1, Math.abs(a)), "logit " + (k - 4) + ": " + a + " vs " + b);
            }
        }
        assertEquals(moduleLine, lines.get(IMAGES));
    }

    /** Copies the consumer project, puts README's dependency snippet into its pom, builds it and lists its dependencies. */
    private static Path build(String name, boolean modular) throws Exception {
        Path app = copyWithSnippet(name, modular);
        maven(app, "package", "dependency:build-classpath", "-Dmdep.outputFile=classpath.txt",
                "dependency:list", "-DoutputFile=dependencies.txt", "-DincludeScope=runtime", "-DoutputAbsoluteArtifactFilename=false",
                "-DexcludeTypes=pom");  // jdnn-platform itself, which holds no classes
        assertEquals(Set.of("dev.jdnn:jdnn:jar", "dev.jdnn:jdnn-natives:jar:" + PLATFORM), dependencies(app),
                "a library user's run-time dependencies");
        return app;
    }

    /** A fresh copy of the consumer project with README's dependency snippet in its pom. */
    private static Path copyWithSnippet(String name, boolean modular) throws IOException {
        Path app = WORK.resolve(name);
        delete(app);  // a fresh copy: an earlier run's files would be built too
        copy(Path.of(System.getProperty("jdnn.test.app")), app);
        Path moduleInfo = app.resolve("module-info.java");
        if (modular) Files.move(moduleInfo, app.resolve("src/main/java/module-info.java"));
        else Files.delete(moduleInfo);
        Path pom = app.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("<!-- README snippet -->", readmeSnippet()));
        return app;
    }

    /** The first xml block under README.md's heading "Use jdnn from Maven or Gradle", verbatim. */
    static String readmeSnippet() throws IOException {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
        int heading = readme.indexOf("## Use jdnn from Maven or Gradle");
        assertTrue(heading >= 0, "README.md has no section 'Use jdnn from Maven or Gradle'");
        int open = heading + readme.subList(heading, readme.size()).indexOf("```xml");
        int close = open + readme.subList(open, readme.size()).indexOf("```");
        assertTrue(open > heading && close > open, "no xml block in README's 'Use jdnn from Maven or Gradle'");
        String snippet = String.join("\n", readme.subList(open + 1, close));
        assertTrue(snippet.contains("<version>" + VERSION + "</version>"), "README's snippet should name " + VERSION);
        return snippet;
    }

    /** groupId:artifactId:type[:classifier] of each resolved dependency, from dependency:list's output. */
    private static Set<String> dependencies(Path app) throws IOException {
        Set<String> found = new TreeSet<>();
        for (String line : Files.readAllLines(app.resolve("dependencies.txt"))) {
            String[] parts = line.strip().split(":");
            if (parts.length < 5) continue;
            // groupId:artifactId:type[:classifier]:version:scope
            String coordinates = parts[0] + ":" + parts[1] + ":" + parts[2];
            if (parts.length >= 6) coordinates += ":" + parts[3];
            found.add(coordinates.replaceAll(" .*", ""));
        }
        assertFalse(found.isEmpty(), "dependency:list printed nothing");
        return found;
    }

    private static String classPath(Path app) throws IOException {
        return app.resolve("target/classes") + java.io.File.pathSeparator
                + Files.readString(app.resolve("classpath.txt")).strip();
    }

    private static void maven(Path dir, String... goals) throws Exception {
        Path mvn = Path.of(System.getProperty("maven.home"), "bin", "mvn");
        List<String> command = new ArrayList<>(List.of(mvn.toString(), "-B", "-q",
                "-Dmaven.repo.local=" + System.getProperty("jdnn.test.localRepo")));
        command.addAll(List.of(goals));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("maven.log").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        finish(builder.start(), 600, dir.resolve("maven.log"), "mvn " + String.join(" ", goals));
    }

    /** Runs the consumer's main class; returns its standard output, failing on any line on standard error. */
    private static List<String> run(Path app, String... javaArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(javaArgs));
        command.addAll(List.of(model.toString(), Integer.toString(IMAGES)));
        Path out = app.resolve("run.out");
        Path err = app.resolve("run.err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("JDNN_CACHE_DIR", System.getProperty("jdnn.cacheDir"));
        finish(builder.start(), 120, err, String.join(" ", command));
        // No warning either: native access is granted as the README says, so the JVM has nothing to say.
        assertEquals("", Files.readString(err), "standard error of " + command);
        return Files.readAllLines(out);
    }

    private static void finish(Process process, int seconds, Path log, String what) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(what + " did not finish in " + seconds + " s");
        }
        if (process.exitValue() != 0) fail(what + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
    }

    private static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) return;
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(file);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) Files.createDirectories(target);
                else Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
