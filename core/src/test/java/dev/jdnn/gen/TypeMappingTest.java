package dev.jdnn.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Clang's type spellings, as they appear in oneDNN's and omp.h's AST, mapped to Java carriers and layouts. */
class TypeMappingTest {
    /** The typedef chain of glibc and oneDNN on LP64, spelled as clang prints them. */
    private static final Map<String, String> TYPEDEFS = Map.of(
            "__int64_t", "long",
            "int64_t", "__int64_t",
            "size_t", "unsigned long",
            "uint8_t", "unsigned char",
            "dnnl_dim_t", "int64_t",
            "dnnl_dims_t", "dnnl_dim_t[12]",
            "dnnl_engine_t", "struct dnnl_engine *",
            "dnnl_status_t", "enum dnnl_status_t",
            "omp_allocator_handle_t", "enum omp_allocator_handle_t",
            "dnnl_version_t", "struct dnnl_version_t");

    private static final TypeScope SCOPE = new TypeScope() {
        @Override
        public Optional<String> typedefTarget(String name) {
            return Optional.ofNullable(TYPEDEFS.get(name));
        }

        @Override
        public Optional<CType.Scalar> enumStorage(String name) {
            return switch (name) {
                case "dnnl_status_t" -> Optional.of(CType.Scalar.INT);
                case "omp_allocator_handle_t" -> Optional.of(CType.Scalar.LONG);
                default -> Optional.empty();
            };
        }
    };

    private final TypeParser parser = new TypeParser(SCOPE);

    private void assertMaps(String spelled, String carrier, String layout) throws UnsupportedTypeException {
        CType type = parser.parse(spelled);
        assertEquals(carrier, JavaTypes.carrier(type), "carrier of '" + spelled + "'");
        assertEquals(layout, JavaTypes.layout(type), "layout of '" + spelled + "'");
    }

    @Test
    void integersKeepTheirWidth() throws UnsupportedTypeException {
        assertMaps("int", "int", "ValueLayout.JAVA_INT");
        assertMaps("unsigned int", "int", "ValueLayout.JAVA_INT");
        assertMaps("const int", "int", "ValueLayout.JAVA_INT");
        assertMaps("dnnl_dim_t", "long", "ValueLayout.JAVA_LONG");
        assertMaps("size_t", "long", "ValueLayout.JAVA_LONG");
        assertMaps("unsigned long", "long", "ValueLayout.JAVA_LONG");
        assertMaps("long long", "long", "ValueLayout.JAVA_LONG");
        assertMaps("uint8_t", "byte", "ValueLayout.JAVA_BYTE");
        assertMaps("char", "byte", "ValueLayout.JAVA_BYTE");
        assertMaps("short", "short", "ValueLayout.JAVA_SHORT");
        assertMaps("float", "float", "ValueLayout.JAVA_FLOAT");
        assertMaps("const float", "float", "ValueLayout.JAVA_FLOAT");
        assertMaps("double", "double", "ValueLayout.JAVA_DOUBLE");
        assertMaps("_Bool", "boolean", "ValueLayout.JAVA_BOOLEAN");
    }

    @Test
    void enumsTakeTheSizeOfTheirValues() throws UnsupportedTypeException {
        assertMaps("dnnl_status_t", "int", "ValueLayout.JAVA_INT");
        assertMaps("const dnnl_status_t", "int", "ValueLayout.JAVA_INT");
        assertMaps("omp_allocator_handle_t", "long", "ValueLayout.JAVA_LONG");
    }

    @Test
    void pointersHandlesAndFunctionPointersAreSegments() throws UnsupportedTypeException {
        assertMaps("dnnl_engine_t", "MemorySegment", "ValueLayout.ADDRESS");
        assertMaps("dnnl_engine_t *", "MemorySegment", "ValueLayout.ADDRESS");
        assertMaps("const char *", "MemorySegment", "ValueLayout.ADDRESS");
        assertMaps("const float **", "MemorySegment", "ValueLayout.ADDRESS");
        assertMaps("void *", "MemorySegment", "ValueLayout.ADDRESS");
        assertMaps("const dnnl_version_t *", "MemorySegment", "ValueLayout.ADDRESS");
        assertMaps("char *const", "MemorySegment", "ValueLayout.ADDRESS");
        assertMaps("void (*)(void *)", "MemorySegment", "ValueLayout.ADDRESS");
        assertMaps("int (*const)(int, const char *)", "MemorySegment", "ValueLayout.ADDRESS");
    }

    @Test
    void arraysAndStructsAreSegmentsWithTheirLayouts() throws UnsupportedTypeException {
        assertMaps("dnnl_dims_t", "MemorySegment", "MemoryLayout.sequenceLayout(12, ValueLayout.JAVA_LONG)");
        assertMaps("unsigned char[4]", "MemorySegment", "MemoryLayout.sequenceLayout(4, ValueLayout.JAVA_BYTE)");
        assertMaps("int [2][3]", "MemorySegment",
                "MemoryLayout.sequenceLayout(2, MemoryLayout.sequenceLayout(3, ValueLayout.JAVA_INT))");
        assertMaps("dnnl_version_t", "MemorySegment", "dnnl_version_t.layout()");
        assertMaps("struct dnnl_version_t", "MemorySegment", "dnnl_version_t.layout()");
    }

    @Test
    void voidReturnsAndFunctionTypesSplitIntoTheirReturnType() throws UnsupportedTypeException {
        assertEquals("void", JavaTypes.carrier(parser.returnType("void (int)")));
        assertEquals("MemorySegment", JavaTypes.carrier(parser.returnType("void *(unsigned long, int)")));
        assertEquals("MemorySegment", JavaTypes.carrier(parser.returnType("const dnnl_version_t *(void)")));
        assertEquals("int", JavaTypes.carrier(parser.returnType("dnnl_status_t (dnnl_engine_t *, size_t)")));
        assertEquals("long", JavaTypes.carrier(parser.returnType("omp_allocator_handle_t (void)")));
    }

    @Test
    void typesWithoutAJavaCarrierAreRefused() {
        assertThrows(UnsupportedTypeException.class, () -> parser.parse("long double"));
        assertThrows(UnsupportedTypeException.class, () -> parser.parse("__int128"));
        assertThrows(UnsupportedTypeException.class, () -> parser.parse("unknown_t"));
        assertThrows(UnsupportedTypeException.class, () -> parser.parse("enum unknown_e"));
        assertThrows(UnsupportedTypeException.class, () -> parser.parse("char []"));
        assertThrows(UnsupportedTypeException.class,
                () -> parser.parse("const union (unnamed union at ./oneapi/dnnl/dnnl_types.h:2340:14)"));
        assertThrows(UnsupportedTypeException.class, () -> parser.returnType("void (*(int))(double)"));
    }
}
