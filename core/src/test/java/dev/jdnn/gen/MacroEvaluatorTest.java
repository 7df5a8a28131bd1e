package dev.jdnn.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The macro evaluator against values worked out by hand from the C standard's rules. */
class MacroEvaluatorTest {
    /** size_t and int64_t as glibc defines them on LP64, and one enum constant. */
    private static final ConstantExpression.Names NAMES = new ConstantExpression.Names() {
        @Override
        public Optional<ConstantExpression.IntegerType> integerType(String name) {
            return switch (name) {
                case "size_t", "uint64_t" -> Optional.of(new ConstantExpression.IntegerType(64, true));
                case "int64_t" -> Optional.of(new ConstantExpression.IntegerType(64, false));
                case "uint8_t" -> Optional.of(new ConstantExpression.IntegerType(8, true));
                default -> Optional.empty();
            };
        }

        @Override
        public Optional<IntValue> constant(String identifier) {
            return identifier.equals("dnnl_f32") ? Optional.of(IntValue.of(3, IntValue.Type.INT)) : Optional.empty();
        }
    };

    private static IntValue evaluate(String... definitions) throws NotConstantException {
        Map<String, MacroDefinition> macros = new LinkedHashMap<>();
        String last = null;
        for (String definition : definitions) {
            int space = definition.indexOf(' ');
            String head = space < 0 ? definition : definition.substring(0, space);
            String body = space < 0 ? "" : definition.substring(space + 1);
            List<String> parameters = null;
            if (head.contains("(")) {
                String list = head.substring(head.indexOf('(') + 1, head.length() - 1);
                parameters = list.isEmpty() ? List.of() : Arrays.asList(list.split(","));
                head = head.substring(0, head.indexOf('('));
            }
            macros.put(head, new MacroDefinition(head, parameters, body, "test.h"));
            last = head;
        }
        return new MacroEvaluator(macros, NAMES).evaluate(last);
    }

    private static void assertValue(long bits, IntValue.Type type, IntValue actual) {
        assertValue(bits, type, actual, "value and C type");
    }

    private static void assertValue(long bits, IntValue.Type type, IntValue actual, String why) {
        assertEquals(IntValue.of(bits, type), actual, why);
    }

    @Test
    void literalsTakeTheirTypeFromSuffixAndRadix() throws NotConstantException {
        assertValue(12, IntValue.Type.INT, evaluate("A 12"));
        assertValue(2, IntValue.Type.UINT, evaluate("A 2u"));
        assertValue(0x7fc000d0L, IntValue.Type.INT, evaluate("A 0x7fc000d0"));
        assertValue(0x80000000L, IntValue.Type.UINT, evaluate("A 0x80000000"), "hex that misses int is unsigned");
        assertValue(2147483648L, IntValue.Type.LONG, evaluate("A 2147483648"), "decimal that misses int is long");
        assertValue(10, IntValue.Type.ULONG, evaluate("A 10ULL"));
        assertValue(7, IntValue.Type.LONG, evaluate("A 7L"));
        assertValue(8, IntValue.Type.INT, evaluate("A 010"));
        assertValue(-1, IntValue.Type.ULONG, evaluate("A 0xFFFFFFFFFFFFFFFF"));
    }

    @Test
    void operatorsFollowPrecedenceAndPromotion() throws NotConstantException {
        assertValue(14, IntValue.Type.INT, evaluate("A 2 + 3 * 4"));
        assertValue(20, IntValue.Type.INT, evaluate("A (2 + 3) * 4"));
        assertValue(6, IntValue.Type.UINT, evaluate("A 4u | 2"));
        assertValue(0xFFFFFFFFL, IntValue.Type.UINT, evaluate("A ~0u"));
        assertValue(-1, IntValue.Type.INT, evaluate("A ~0"));
        assertValue(1, IntValue.Type.INT, evaluate("A !0"));
        assertValue(-7, IntValue.Type.INT, evaluate("A -7"));
        assertValue(1L << 40, IntValue.Type.LONG, evaluate("A 1L << 40"));
        assertValue(0x7FFFFFFF, IntValue.Type.UINT, evaluate("A 0xFFFFFFFFu >> 1"));
        assertValue(-1, IntValue.Type.INT, evaluate("A -2 >> 1"), "signed right shift is arithmetic");
        assertValue(6, IntValue.Type.INT, evaluate("A 0x0F & 6 ^ 0"));
        assertValue(2, IntValue.Type.INT, evaluate("A 7 / 3"));
        assertValue(1, IntValue.Type.INT, evaluate("A 7 % 3"));
        assertValue(0xFFFFFFFFL, IntValue.Type.UINT, evaluate("A 0u - 1"), "unsigned arithmetic wraps");
    }

    @Test
    void castsConvertToTheNamedIntegerType() throws NotConstantException {
        assertValue(-1, IntValue.Type.ULONG, evaluate("A (size_t) - 1"));
        assertValue(255, IntValue.Type.INT, evaluate("A (uint8_t)-1"));
        assertValue(-1, IntValue.Type.INT, evaluate("A (signed char)255"));
        assertValue(5, IntValue.Type.LONG, evaluate("A (long long)5"));
        assertValue(0xFFFFFFFFL, IntValue.Type.UINT, evaluate("A (unsigned int)-1"));
    }

    @Test
    void referencesExpandOtherMacrosIncludingGlibcInt64Min() throws NotConstantException {
        IntValue min = evaluate("__INT64_C(c) c ## L", "INT64_MIN (-__INT64_C(9223372036854775807)-1)",
                "DNNL_RUNTIME_DIM_VAL INT64_MIN", "DNNL_RUNTIME_SIZE_VAL ((size_t)DNNL_RUNTIME_DIM_VAL)");
        assertValue(Long.MIN_VALUE, IntValue.Type.ULONG, min);
        assertValue(3, IntValue.Type.INT, evaluate("SRC_0 1", "SRC SRC_0", "A (SRC + 2)"));
        assertValue(3, IntValue.Type.INT, evaluate("A dnnl_f32"), "enum constants are known identifiers");
        assertValue(65536, IntValue.Type.INT,
                evaluate("BASE 32768", "POST_OP(idx) (BASE * ((idx) + 1))", "A POST_OP(1)"));
        assertValue(8, IntValue.Type.INT, evaluate("TWO 2", "SQ(x) x * x", "A SQ(TWO) * TWO"),
                "function-like expansion is textual");
    }

    @Test
    void whatIsNotAnIntegerConstantIsRefused() {
        assertThrows(NotConstantException.class, () -> evaluate("A ((void *)(size_t) - 1)"), "pointer cast");
        assertThrows(NotConstantException.class, () -> evaluate("A 1.5f"), "floating literal");
        assertThrows(NotConstantException.class, () -> evaluate("A (NULL)"), "unknown identifier");
        assertThrows(NotConstantException.class, () -> evaluate("A B", "B A", "C A"), "self-referencing macros");
        assertThrows(NotConstantException.class, () -> evaluate("A 1 / 0"), "division by zero");
        assertThrows(NotConstantException.class, () -> evaluate("A 1 << 32"), "shift past the width");
        assertThrows(NotConstantException.class, () -> evaluate("A __attribute__((deprecated))"), "attribute");
        assertThrows(NotConstantException.class, () -> evaluate("A \"text\""), "string");
        assertThrows(NotConstantException.class, () -> evaluate("A (X.f)"), "member access");
        assertThrows(NotConstantException.class, () -> evaluate("A"), "empty body");
    }
}
