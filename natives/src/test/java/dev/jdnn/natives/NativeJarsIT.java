package dev.jdnn.natives;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 15: each native jar the build produces holds what dev.jdnn.runtime.LibraryCache reads for its platform
 * ({@code jdnn/native/<platform>/libraries}, then each listed file and its SHA-256), each library in that
 * platform's binary format and for its processor, oneDNN last in the load order, and the licenses of what it
 * carries. Only linux-x86_64 is loaded by the tests; the others are checked here and nowhere else.
 */
class NativeJarsIT {
    /** A platform's binary format: how to read the processor a library was built for. */
    enum Target {
        LINUX_X86_64("linux-x86_64", "libdnnl.so.3", 62, List.of("oneDNN-LICENSE.txt", "libgomp-LICENSE.txt")),
        LINUX_ARM64("linux-arm64", "libdnnl.so.3", 183, List.of("oneDNN-LICENSE.txt", "libgomp-LICENSE.txt")),
        MACOSX_X86_64("macosx-x86_64", "libdnnl.3.dylib", 0x01000007, List.of("oneDNN-LICENSE.txt", "llvm-openmp-LICENSE.txt")),
        MACOSX_ARM64("macosx-arm64", "libdnnl.3.dylib", 0x0100000c, List.of("oneDNN-LICENSE.txt", "llvm-openmp-LICENSE.txt")),
        WINDOWS_X86_64("windows-x86_64", "dnnl.dll", 0x8664, List.of("oneDNN-LICENSE.txt"));

        final String platform;
        final String oneDnn;
        final int machine;
        final List<String> licenses;

        Target(String platform, String oneDnn, int machine, List<String> licenses) {
            this.platform = platform;
            this.oneDnn = oneDnn;
            this.machine = machine;
            this.licenses = licenses;
        }
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void holdsWhatItsPlatformsLoaderReads(Target target) throws Exception {
        Path file = Path.of(System.getProperty("jdnn.test.nativeJars"),
                "jdnn-natives-" + System.getProperty("jdnn.test.version") + "-" + target.platform + ".jar");
        try (JarFile jar = new JarFile(file.toFile())) {
            String prefix = "jdnn/native/" + target.platform + "/";
            List<String> libraries = List.of(text(jar, prefix + "libraries").strip().split(","));
            assertEquals(target.oneDnn, libraries.getLast(), "oneDNN loads last, after its OpenMP runtime");
            for (String library : libraries) {
                byte[] bytes = bytes(jar, prefix + library);
                String declared = text(jar, prefix + library + ".sha256").strip().split("\\s+")[0];
                assertEquals(declared, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
                        library + "'s SHA-256");
                assertEquals(target.machine, machine(target, bytes), library + " is not a " + target.platform + " library");
            }
            for (String license : List.of("LICENSE", "NOTICE")) bytes(jar, "META-INF/" + license);
            for (String license : target.licenses) {
                assertTrue(text(jar, "META-INF/licenses/" + license).length() > 10_000, license + " holds the full text");
            }
            assertEquals("dev.jdnn.natives", jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
        }
    }

    /** The processor a shared library was built for, read from its header; fails on any other kind of file. */
    private static int machine(Target target, byte[] bytes) {
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        switch (target) {
            case LINUX_X86_64, LINUX_ARM64 -> {
                assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F', 2, 1}, java.util.Arrays.copyOf(bytes, 6),
                        "a 64-bit little-endian ELF file");
                assertEquals(3, le.getShort(16), "an ELF shared object (ET_DYN)");
                return le.getShort(18) & 0xffff;
            }
            case MACOSX_X86_64, MACOSX_ARM64 -> {
                assertEquals(0xfeedfacf, le.getInt(0), "a 64-bit Mach-O file");
                assertEquals(6, le.getInt(12), "a Mach-O dynamic library (MH_DYLIB)");
                return le.getInt(4);
            }
            case WINDOWS_X86_64 -> {
                assertEquals('M' | 'Z' << 8, le.getShort(0), "a DOS/PE executable");
                int pe = le.getInt(0x3c);
                assertEquals(0x00004550, le.getInt(pe), "a PE signature");
                assertTrue((le.getShort(pe + 22) & 0x2000) != 0, "a DLL (IMAGE_FILE_DLL)");
                return le.getShort(pe + 4) & 0xffff;
            }
            default -> throw new AssertionError(target);
        }
    }

    private static String text(JarFile jar, String name) throws IOException {
        return new String(bytes(jar, name), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(JarFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        assertNotNull(entry, jar.getName() + " has no " + name);
        try (InputStream in = jar.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }
}
