package dev.jdnn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * bench/probes/ColdStartFloor.java, which times the cold-start floor without jdnn code, links its own copy of the
 * signatures the prelinker links: the copy must stay the same set, or the floor it reports is not jdnn's.
 */
class PrelinkerSignaturesTest {
    private static final Path PROBE = dev.jdnn.ReadmeSnippet.repositoryRoot().resolve("bench/probes/ColdStartFloor.java");

    @Test
    void theColdStartFloorProbeLinksThePrelinkersSignatures() throws IOException {
        Set<String> prelinker = Prelinker.inferenceSignatures().stream().map(PrelinkerSignaturesTest::code)
                .collect(Collectors.toCollection(TreeSet::new));
        String source = Files.readString(PROBE);
        Matcher list = Pattern.compile("SIGNATURES = List\\.of\\(([^;]*)\\);").matcher(source);
        if (!list.find()) throw new AssertionError(PROBE + " has no SIGNATURES = List.of(...) list");
        Set<String> probe = new TreeSet<>();
        Matcher quoted = Pattern.compile("\"([^\"]*)\"").matcher(list.group(1));
        while (quoted.find()) probe.add(quoted.group(1));
        assertEquals(prelinker, probe, PROBE + "'s signatures differ from Prelinker's");
    }

    /** The probe's notation: the return and argument layouts as A (pointer), I, L, F, or "void". */
    private static String code(FunctionDescriptor descriptor) {
        String result = descriptor.returnLayout().map(PrelinkerSignaturesTest::code).orElse("void");
        return result + descriptor.argumentLayouts().stream().map(l -> " " + code(l)).collect(Collectors.joining());
    }

    private static String code(MemoryLayout layout) {
        Class<?> carrier = ((ValueLayout) layout).carrier();
        if (carrier == MemorySegment.class) return "A";
        if (carrier == int.class) return "I";
        if (carrier == long.class) return "L";
        if (carrier == float.class) return "F";
        throw new AssertionError("a signature with a " + layout + " argument, which the probe's notation lacks");
    }
}
