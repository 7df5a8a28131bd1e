import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.List;

/**
 * The least a JVM must do before any oneDNN inference through FFM, with no jdnn code at all: load libgomp and
 * libdnnl, link the 18 distinct C signatures that compiling and running a jdnn inference plan call (the list of
 * dev.jdnn.runtime.Prelinker, as (return, arguments) of A = pointer, I = int, L = long, F = float), on a second
 * thread as jdnn's prelinker does, and call one function. Prints the wall-clock time at the end, for
 * bench/cold-start-floor.sh to subtract the launch time from.
 *
 *   java --enable-native-access=ALL-UNNAMED -cp DIR ColdStartFloor LIBDIR [--no-link]
 */
public final class ColdStartFloor {
    private static final List<String> SIGNATURES = List.of(
            "I A I L", "I A I A I I", "L A", "I A I A", "I A A", "I A A A A", "I A", "I A I", "I A I F F",
            "I A A I I A A A A A A A A A", "I A A I I A A A A A A A A", "I A A I A A A A A", "I A A A A A A",
            "I A I I A", "A A I I", "I A A I", "void I", "I A A I A");

    public static void main(String[] args) throws Throwable {
        Path libraries = Path.of(args[0]);
        boolean link = args.length < 2 || !args[1].equals("--no-link");
        Thread linker = new Thread(() -> {
            for (String signature : SIGNATURES) Linker.nativeLinker().downcallHandle(descriptor(signature));
        });
        if (link) linker.start();
        SymbolLookup.libraryLookup(libraries.resolve("libgomp.so.1"), Arena.global());
        SymbolLookup dnnl = SymbolLookup.libraryLookup(libraries.resolve("libdnnl.so.3"), Arena.global());
        if (link) linker.join();
        MemorySegment version = (MemorySegment) Linker.nativeLinker()
                .downcallHandle(dnnl.find("dnnl_version").orElseThrow(), FunctionDescriptor.of(ADDRESS)).invokeExact();
        System.out.println("done-at-ms=" + System.currentTimeMillis() + " linked=" + (link ? SIGNATURES.size() : 0)
                + " version-struct=" + !version.equals(MemorySegment.NULL));
    }

    private static FunctionDescriptor descriptor(String signature) {
        String[] parts = signature.split(" ");
        MemoryLayout[] arguments = new MemoryLayout[parts.length - 1];
        for (int i = 1; i < parts.length; i++) arguments[i - 1] = layout(parts[i]);
        return parts[0].equals("void") ? FunctionDescriptor.ofVoid(arguments)
                : FunctionDescriptor.of(layout(parts[0]), arguments);
    }

    private static MemoryLayout layout(String code) {
        return switch (code) {
            case "A" -> ADDRESS;
            case "I" -> JAVA_INT;
            case "L" -> JAVA_LONG;
            case "F" -> JAVA_FLOAT;
            default -> throw new IllegalArgumentException("unknown layout code " + code);
        };
    }
}
