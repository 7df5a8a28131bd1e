package dev.jdnn.runtime;

import java.util.List;
import java.util.Locale;

/** The platform names of jdnn's native jars, derived from the running JVM's os.name and os.arch. */
public final class Platform {
    /** Every platform a native jar can be built for; see the platform profiles in pom.xml. */
    public static final List<String> SUPPORTED =
            List.of("linux-x86_64", "linux-arm64", "macosx-arm64", "macosx-x86_64", "windows-x86_64");

    private Platform() {}

    /** The current platform's name, or a NativeLoadException naming it and the supported ones. */
    public static String current() {
        return resolve(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    static String resolve(String osName, String osArch) {
        String name = os(osName) + "-" + arch(osArch);
        if (!SUPPORTED.contains(name)) {
            throw new NativeLoadException("unsupported platform " + name + "; supported: " + String.join(", ", SUPPORTED));
        }
        return name;
    }

    private static String os(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) return "linux";
        if (os.startsWith("mac") || os.startsWith("darwin")) return "macosx";
        if (os.startsWith("windows")) return "windows";
        return os.replaceAll("[^a-z0-9]+", "");
    }

    private static String arch(String osArch) {
        String arch = osArch.toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch.replaceAll("[^a-z0-9_]+", "");
        };
    }
}
