package dev.jdnn.gen;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every typedef, record, enum and integer constant of a translation unit, system headers included,
 * so that the kept headers' declarations can be resolved. Anonymous records and enums take the name
 * of the typedef that declares them, as in {@code typedef struct { ... } dnnl_version_t;}.
 */
final class Declarations implements TypeScope, ConstantExpression.Names {
    /** An enum constant with its value and C type. */
    record EnumConstant(String name, IntValue value) {}

    private static final Set<String> INTEGER_WORDS =
            Set.of("char", "short", "int", "long", "signed", "unsigned", "_Bool");

    private final Map<String, String> typedefTargets = new HashMap<>();
    private final Map<String, CType.Scalar> enumStorage = new HashMap<>();
    private final Map<String, JsonNode> records = new HashMap<>();
    private final Map<String, IntValue> constants = new HashMap<>();
    private final Map<String, List<EnumConstant>> enumConstants = new HashMap<>();
    private final Map<String, String> anonymousNames = new HashMap<>();

    Declarations(List<AstReader.Declaration> declarations) {
        for (AstReader.Declaration declaration : declarations) {
            if (declaration.kind().equals("TypedefDecl")) nameAnonymousTag(declaration.node());
        }
        for (AstReader.Declaration declaration : declarations) {
            JsonNode node = declaration.node();
            switch (declaration.kind()) {
                case "TypedefDecl" -> typedefTargets.put(declaration.name(), typedefTarget(node));
                case "RecordDecl" -> {
                    if (node.path("completeDefinition").asBoolean()) records.put(nameOf(node), node);
                }
                case "EnumDecl" -> addEnum(node);
                default -> { }
            }
        }
    }

    /** The name a record or enum goes by: its tag, else the typedef that names it, else "". */
    String nameOf(JsonNode tagDeclaration) {
        String tag = tagDeclaration.path("name").asText("");
        return tag.isEmpty() ? anonymousNames.getOrDefault(tagDeclaration.path("id").asText(), "") : tag;
    }

    /** The definition of a struct or union, by name. */
    Optional<JsonNode> record(String name) {
        return Optional.ofNullable(records.get(name));
    }

    /** The constants of an enum declaration, in order, with their values. */
    List<EnumConstant> enumConstants(JsonNode enumDeclaration) {
        return enumConstants.getOrDefault(enumDeclaration.path("id").asText(), List.of());
    }

    /** Records an integer constant that macros may refer to, such as a static const int. */
    void addConstant(String name, IntValue value) {
        constants.put(name, value);
    }

    @Override
    public Optional<String> typedefTarget(String name) {
        return Optional.ofNullable(typedefTargets.get(name));
    }

    @Override
    public Optional<CType.Scalar> enumStorage(String name) {
        return Optional.ofNullable(enumStorage.get(name));
    }

    @Override
    public Optional<IntValue> constant(String identifier) {
        return Optional.ofNullable(constants.get(identifier));
    }

    @Override
    public Optional<ConstantExpression.IntegerType> integerType(String spelled) {
        List<String> words = new ArrayList<>(Arrays.asList(spelled.strip().split("\\s+")));
        words.removeAll(List.of("const", "volatile"));
        if (words.size() == 1 && typedefTargets.containsKey(words.getFirst())) {
            return integerType(typedefTargets.get(words.getFirst()));
        }
        if (words.isEmpty() || !INTEGER_WORDS.containsAll(words)) return Optional.empty();
        boolean unsigned = words.contains("unsigned");
        if (words.contains("_Bool")) return Optional.of(new ConstantExpression.IntegerType(1, true));
        if (words.contains("char")) return Optional.of(new ConstantExpression.IntegerType(8, unsigned));
        if (words.contains("short")) return Optional.of(new ConstantExpression.IntegerType(16, unsigned));
        if (words.contains("long")) return Optional.of(new ConstantExpression.IntegerType(64, unsigned));
        return Optional.of(new ConstantExpression.IntegerType(32, unsigned));
    }

    /** typedef struct { ... } name; : the anonymous struct is known by the typedef's name from now on. */
    private void nameAnonymousTag(JsonNode typedef) {
        JsonNode type = typedef.path("inner").path(0);
        while (type.path("kind").asText().equals("ElaboratedType")) type = type.path("inner").path(0);
        JsonNode tag = type.path("decl");
        boolean tagType = Set.of("RecordType", "EnumType").contains(type.path("kind").asText());
        if (tagType && tag.path("name").asText("").isEmpty()) {
            anonymousNames.putIfAbsent(tag.path("id").asText(), typedef.path("name").asText());
        }
    }

    /** Typedefs of anonymous tags resolve by name: clang's spelling of them changes between versions. */
    private String typedefTarget(JsonNode typedef) {
        JsonNode type = typedef.path("inner").path(0);
        while (type.path("kind").asText().equals("ElaboratedType")) type = type.path("inner").path(0);
        JsonNode tag = type.path("decl");
        if (type.path("kind").asText().equals("RecordType") && tag.path("name").asText("").isEmpty()) {
            return "struct " + anonymousNames.get(tag.path("id").asText());
        }
        if (type.path("kind").asText().equals("EnumType") && tag.path("name").asText("").isEmpty()) {
            return "enum " + anonymousNames.get(tag.path("id").asText());
        }
        return typedef.path("type").path("qualType").asText();
    }

    private void addEnum(JsonNode node) {
        List<EnumConstant> values = new ArrayList<>();
        IntValue next = IntValue.of(0, IntValue.Type.INT);
        for (JsonNode constant : node.path("inner")) {
            if (!constant.path("kind").asText().equals("EnumConstantDecl")) continue;
            IntValue.Type type = valueType(constant.path("type").path("qualType").asText());
            JsonNode explicit = initializerValue(constant);
            IntValue value = explicit.isMissingNode()
                    ? next.convert(type)
                    : IntValue.of(new BigInteger(explicit.asText()).longValue(), type);
            values.add(new EnumConstant(constant.path("name").asText(), value));
            constants.put(constant.path("name").asText(), value);
            next = IntValue.of(value.bits() + 1, value.type());
        }
        enumConstants.put(node.path("id").asText(), values);
        boolean wide = values.stream().anyMatch(c -> c.value().isWide());
        String fixed = node.path("fixedUnderlyingType").path("qualType").asText("");
        if (!fixed.isEmpty()) wide = integerType(fixed).map(t -> t.width() == 64).orElse(false);
        String name = nameOf(node);
        if (!name.isEmpty()) enumStorage.put(name, wide ? CType.Scalar.LONG : CType.Scalar.INT);
    }

    /**
     * The value clang folded an enum constant's initializer to, or a missing node when it has none. An
     * initializer of another type than the constant's (e.g. {@code 0x4U} in an int enum) sits under an
     * implicit cast, which carries no value itself.
     */
    private static JsonNode initializerValue(JsonNode constant) {
        JsonNode node = constant.path("inner").path(0);
        while (node.path("kind").asText().equals("ImplicitCastExpr")) node = node.path("inner").path(0);
        return node.path("value");
    }

    private IntValue.Type valueType(String spelled) {
        ConstantExpression.IntegerType type = integerType(spelled)
                .orElse(new ConstantExpression.IntegerType(32, false));
        if (type.width() == 64) return type.unsigned() ? IntValue.Type.ULONG : IntValue.Type.LONG;
        return type.unsigned() && type.width() == 32 ? IntValue.Type.UINT : IntValue.Type.INT;
    }
}
