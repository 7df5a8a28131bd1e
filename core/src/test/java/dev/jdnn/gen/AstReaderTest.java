package dev.jdnn.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the reader attributes declarations to files in clang's abbreviated JSON locations. */
class AstReaderTest {
    /** Parses JSON written with single quotes, for readability. */
    private static List<AstReader.Declaration> parse(String json) throws IOException {
        return AstReader.parse(new ByteArrayInputStream(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> files(String json) throws IOException {
        return parse(json).stream().map(d -> d.name() + "@" + d.file()).toList();
    }

    @Test
    void aLocationWithoutFileInheritsTheLastFileWrittenAnywhere() throws IOException {
        String json = """
                {'kind': 'TranslationUnitDecl', 'loc': {}, 'inner': [
                  {'kind': 'TypedefDecl', 'name': 'a', 'loc': {'file': '/usr/include/stdint.h', 'line': 1},
                   'range': {'begin': {'line': 1}, 'end': {'line': 1}}},
                  {'kind': 'TypedefDecl', 'name': 'b', 'loc': {'line': 2}},
                  {'kind': 'FunctionDecl', 'name': 'f', 'loc': {'file': './oneapi/dnnl/dnnl.h', 'line': 3},
                   'inner': [{'kind': 'ParmVarDecl', 'loc': {'file': './oneapi/dnnl/dnnl_types.h', 'line': 9}}]},
                  {'kind': 'FunctionDecl', 'name': 'g', 'loc': {'line': 4}}
                ]}
                """;
        assertEquals(List.of("a@stdint.h", "b@stdint.h", "f@dnnl.h", "g@dnnl_types.h"), files(json),
                "g's location has no file: the last one written, in f's parameter, applies");
    }

    @Test
    void includedFromNamesNoLocation() throws IOException {
        String json = """
                {'kind': 'TranslationUnitDecl', 'inner': [
                  {'kind': 'EnumDecl', 'loc': {'file': './oneapi/dnnl/dnnl_types.h', 'line': 5,
                   'includedFrom': {'file': 'oneapi/dnnl/dnnl.h'}}, 'name': 'e'},
                  {'kind': 'EnumDecl', 'loc': {'line': 6, 'includedFrom': {'file': 'oneapi/dnnl/dnnl.h'}}, 'name': 'e2'}
                ]}
                """;
        assertEquals(List.of("e@dnnl_types.h", "e2@dnnl_types.h"), files(json));
    }

    @Test
    void aMacroWrittenDeclarationBelongsWhereTheMacroIsUsed() throws IOException {
        String json = """
                {'kind': 'TranslationUnitDecl', 'inner': [
                  {'kind': 'RecordDecl', 'name': 's', 'completeDefinition': true,
                   'loc': {'spellingLoc': {'file': '/usr/include/x86_64-linux-gnu/bits/typesizes.h', 'line': 73},
                           'expansionLoc': {'file': '/usr/include/x86_64-linux-gnu/bits/types.h', 'line': 155}},
                   'range': {'begin': {'spellingLoc': {'line': 73}, 'expansionLoc': {'line': 155}}}},
                  {'kind': 'TypedefDecl', 'name': 't', 'loc': {'line': 156}}
                ]}
                """;
        assertEquals(List.of("s@types.h", "t@types.h"), files(json));
    }

    @Test
    void commentsAndOtherKindsAreDropped() throws IOException {
        String json = """
                {'kind': 'TranslationUnitDecl', 'inner': [
                  {'kind': 'StaticAssertDecl', 'loc': {'file': 'x.h'}},
                  {'kind': 'FunctionDecl', 'name': 'f', 'loc': {'line': 2},
                   'inner': [{'kind': 'FullComment', 'loc': {'file': 'y.h'}}]}
                ]}
                """;
        List<AstReader.Declaration> declarations = parse(json);
        assertEquals(1, declarations.size(), "only the function is kept");
        assertEquals("x.h", declarations.getFirst().file(), "f's loc comes before its comment");
        assertEquals(0, declarations.getFirst().node().path("inner").size(), "the comment is removed");
    }
}
