package dev.jdnn.gen;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the generator tests need from the machine: clang, gcc's omp.h and the unpacked oneDNN headers. */
final class GeneratorInputs {
    /** The committed bindings, relative to the project directory Maven runs the tests in. */
    static final Path COMMITTED = Path.of("src", "main", "generated");

    private GeneratorInputs() {}

    /** clang on PATH, or the test is skipped saying so. */
    static Clang clang() {
        return Clang.onPath().orElseThrow(() -> {
            assumeTrue(false, "clang is not on PATH, so the bindings cannot be regenerated here (apt-get install clang)");
            return new IllegalStateException("unreachable");
        });
    }

    /** gcc's omp.h, or the test is skipped saying so. */
    static OpenMpHeader openMp() {
        try {
            return OpenMpHeader.locate();
        } catch (IOException e) {
            assumeTrue(false, "gcc's omp.h is not available: " + e.getMessage());
            throw new IllegalStateException("unreachable", e);
        }
    }

    /** The oneDNN include directory that surefire names in jdnn.test.include. */
    static Path includeDir() {
        String property = System.getProperty("jdnn.test.include");
        assumeTrue(property != null, "system property jdnn.test.include is not set; run the tests through Maven");
        Path include = Path.of(property);
        assumeTrue(Files.isRegularFile(include.resolve("oneapi/dnnl/dnnl.h")),
                include + " holds no oneapi/dnnl/dnnl.h; run mvn -B generate-resources first");
        return include;
    }
}
