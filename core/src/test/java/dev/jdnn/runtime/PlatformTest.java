package dev.jdnn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PlatformTest {
    @Test
    void namesTheSupportedPlatforms() {
        assertEquals("linux-x86_64", Platform.resolve("Linux", "amd64"));
        assertEquals("linux-arm64", Platform.resolve("Linux", "aarch64"));
        assertEquals("macosx-arm64", Platform.resolve("Mac OS X", "aarch64"));
        assertEquals("macosx-x86_64", Platform.resolve("Mac OS X", "x86_64"));
        assertEquals("windows-x86_64", Platform.resolve("Windows 11", "amd64"));
    }

    @Test
    void refusesOthersListingTheSupportedOnes() {
        NativeLoadException e = assertThrows(NativeLoadException.class, () -> Platform.resolve("SunOS", "sparcv9"));
        assertEquals("unsupported platform sunos-sparcv9; supported: linux-x86_64, linux-arm64, macosx-arm64, "
                + "macosx-x86_64, windows-x86_64", e.getMessage());
    }
}
