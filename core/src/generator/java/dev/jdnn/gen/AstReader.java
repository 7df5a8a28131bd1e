package dev.jdnn.gen;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Streams the top-level declarations out of {@code clang -Xclang -ast-dump=json}, one at a time, and
 * tells the header each comes from.
 *
 * <p>Clang writes a location's {@code file} only when it differs from the previously written location,
 * in document order, across the whole dump, including nested nodes, ranges, and the spelling and
 * expansion halves of macro locations. So the reader walks every node in order and remembers the last
 * file written; the file of an {@code includedFrom} object is not a location and does not count. A
 * declaration belongs to the file in force after its {@code loc}: for a declaration written by a macro
 * that is the expansion location's file, where the macro was used.
 */
final class AstReader {
    private static final Set<String> KEPT_KINDS =
            Set.of("TypedefDecl", "RecordDecl", "EnumDecl", "FunctionDecl", "VarDecl");

    /** One top-level declaration and the base name of its header ("" for built-in declarations). */
    record Declaration(JsonNode node, String file) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("name").asText("");
        }
    }

    // Clang's stream is closed by Clang.run once clang is done, not by the parser.
    private final ObjectMapper mapper = JsonMapper.builder().disable(JsonParser.Feature.AUTO_CLOSE_SOURCE).build();
    private String currentFile = "";

    private AstReader() {
        mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(100_000).maxStringLength(Integer.MAX_VALUE).build());
    }

    /** Runs clang on the header and returns its top-level declarations in source order. */
    static List<Declaration> read(Clang clang, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("-x", "c", "-Xclang", "-ast-dump=json", "-fsyntax-only"));
        command.addAll(arguments);
        return clang.run(command, AstReader::parse);
    }

    /** The top-level declarations of an AST dump, in order. */
    static List<Declaration> parse(InputStream json) throws IOException {
        return new AstReader().declarations(json);
    }

    private List<Declaration> declarations(InputStream json) throws IOException {
        List<Declaration> declarations = new ArrayList<>();
        try (JsonParser parser = mapper.createParser(json)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!field.equals("inner")) {
                    parser.skipChildren();
                    continue;
                }
                expect(value, JsonToken.START_ARRAY);
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    ObjectNode node = mapper.readTree(parser);
                    String file = fileOf(node);
                    if (KEPT_KINDS.contains(node.path("kind").asText())) {
                        dropComments(node);
                        declarations.add(new Declaration(node, file));
                    }
                }
            }
        }
        return declarations;
    }

    /** Walks the whole node in document order, returning the file in force right after its "loc". */
    private String fileOf(ObjectNode node) {
        String declarationFile = null;
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            track(field.getKey(), field.getValue());
            if (field.getKey().equals("loc")) declarationFile = currentFile;
        }
        return declarationFile == null ? "" : HeaderFiles.baseName(declarationFile);
    }

    private void track(String name, JsonNode value) {
        if (name.equals("includedFrom")) return;
        if (name.equals("file") && value.isTextual()) {
            currentFile = value.asText();
        } else if (value.isObject()) {
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                track(field.getKey(), field.getValue());
            }
        } else if (value.isArray()) {
            for (JsonNode element : value) track("", element);
        }
    }

    /** Doxygen comments are most of the dump's size and nothing the bindings use. */
    private static void dropComments(JsonNode node) {
        if (!(node.path("inner") instanceof ArrayNode inner)) return;
        for (int i = inner.size() - 1; i >= 0; i--) {
            if (inner.get(i).path("kind").asText().endsWith("Comment")) {
                inner.remove(i);
            } else {
                dropComments(inner.get(i));
            }
        }
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("unexpected clang AST JSON: " + expected + " expected, found " + actual);
        }
    }
}
