package dev.jdnn.gen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads every macro in force at the end of a header, with the file that defines it, from the output of
 * {@code clang -E -dD}: that output keeps each #define and #undef in place between the {@code # line "file"}
 * markers, so each definition's file is the file of the last marker before it.
 */
final class MacroReader {
    private static final Pattern LINE_MARKER = Pattern.compile("^# \\d+ \"(.*)\".*$");
    private static final Pattern DEFINE = Pattern.compile("^#define ([A-Za-z_][A-Za-z0-9_]*)(\\(([^)]*)\\))?(?: (.*))?$");
    private static final Pattern UNDEF = Pattern.compile("^#undef ([A-Za-z_][A-Za-z0-9_]*)\\s*$");

    private MacroReader() {}

    /** The macros in definition order, keyed by name; a redefinition replaces the earlier one. */
    static Map<String, MacroDefinition> read(Clang clang, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("-x", "c", "-E", "-dD"));
        command.addAll(arguments);
        return clang.run(command, output -> {
            BufferedReader reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8));
            Map<String, MacroDefinition> macros = new LinkedHashMap<>();
            String file = "";
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.startsWith("#")) continue;
                Matcher marker = LINE_MARKER.matcher(line);
                Matcher define = DEFINE.matcher(line);
                Matcher undef = UNDEF.matcher(line);
                if (marker.matches()) {
                    file = HeaderFiles.baseName(marker.group(1));
                } else if (define.matches()) {
                    String name = define.group(1);
                    List<String> parameters = define.group(2) == null ? null : parameters(define.group(3));
                    String body = define.group(4) == null ? "" : define.group(4).strip();
                    macros.remove(name);
                    macros.put(name, new MacroDefinition(name, parameters, body, file));
                } else if (undef.matches()) {
                    macros.remove(undef.group(1));
                }
            }
            return macros;
        });
    }

    private static List<String> parameters(String list) {
        if (list.isBlank()) return List.of();
        return Arrays.stream(list.split(",")).map(String::strip).toList();
    }
}
