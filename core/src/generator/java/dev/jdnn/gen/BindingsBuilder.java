package dev.jdnn.gen;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a translation unit's declarations and macros into per-header bindings: the functions, enum
 * constants, evaluable integer macros, static const integers, typedefs and structs of the kept headers.
 * Whatever cannot be expressed is recorded with its reason instead of silently dropped.
 */
final class BindingsBuilder {
    private final Declarations declarations;
    private final TypeParser types;
    private final RecordLayouter layouter;
    private final Map<String, HeaderBindings> headers = new LinkedHashMap<>();
    private final Set<String> seen = new HashSet<>();

    private BindingsBuilder(Declarations declarations, List<String> keptHeaders) {
        this.declarations = declarations;
        this.types = new TypeParser(declarations);
        this.layouter = new RecordLayouter(declarations, types);
        for (String header : keptHeaders) headers.put(header, new HeaderBindings(header));
    }

    /** The bindings of each kept header (by base name), in the order the headers are listed. */
    static Map<String, HeaderBindings> build(List<AstReader.Declaration> ast, Map<String, MacroDefinition> macros,
            List<String> keptHeaders) {
        BindingsBuilder builder = new BindingsBuilder(new Declarations(ast), keptHeaders);
        for (AstReader.Declaration declaration : ast) {
            HeaderBindings header = builder.headers.get(declaration.file());
            if (header != null) builder.add(header, declaration.node());
        }
        builder.addMacros(macros);
        return builder.headers;
    }

    private void add(HeaderBindings header, JsonNode node) {
        String name = node.path("name").asText("");
        switch (node.path("kind").asText()) {
            case "TypedefDecl" -> addTypedef(header, name);
            case "RecordDecl" -> addRecord(header, node);
            case "EnumDecl" -> {
                for (Declarations.EnumConstant constant : declarations.enumConstants(node)) {
                    header.constants.add(new HeaderBindings.Constant(constant.name(), constant.value()));
                }
            }
            case "FunctionDecl" -> addFunction(header, node, name);
            case "VarDecl" -> addVariable(header, node, name);
            default -> throw new IllegalStateException("unexpected declaration kind " + node.path("kind"));
        }
    }

    private void addTypedef(HeaderBindings header, String name) {
        try {
            CType type = types.parse(declarations.typedefTarget(name).orElseThrow());
            switch (type) {
                case CType.Record record -> { } // bound as the struct's class
                case CType.Scalar scalar when scalar == CType.Scalar.VOID ->
                        header.skipped.add(new HeaderBindings.Skipped(name, "a typedef of void"));
                case CType.Function function ->
                        header.skipped.add(new HeaderBindings.Skipped(name, "a typedef of a function type"));
                default -> {
                    layouter.sizeOf(type);
                    header.typedefs.add(new HeaderBindings.Typedef(name, type));
                }
            }
        } catch (UnsupportedTypeException e) {
            header.skipped.add(new HeaderBindings.Skipped(name, e.getMessage()));
        }
    }

    private void addRecord(HeaderBindings header, JsonNode node) {
        String name = declarations.nameOf(node);
        if (name.isEmpty() || !node.path("completeDefinition").asBoolean() || !seen.add("struct " + name)) return;
        try {
            header.structs.add(layouter.layout(name));
        } catch (UnsupportedTypeException e) {
            header.skipped.add(new HeaderBindings.Skipped(name, e.getMessage()));
        }
    }

    private void addFunction(HeaderBindings header, JsonNode node, String name) {
        if (!seen.add(name)) return;
        if (node.path("storageClass").asText().equals("static") || node.path("inline").asBoolean()) {
            header.skipped.add(new HeaderBindings.Skipped(name, "static or inline, so not exported"));
            return;
        }
        if (node.path("variadic").asBoolean()) {
            header.skipped.add(new HeaderBindings.Skipped(name, "variadic"));
            return;
        }
        try {
            String functionType = node.path("type").path("qualType").asText();
            CType returnType = types.returnType(functionType);
            if (returnType instanceof CType.Record record) layouter.layout(record.name());
            List<HeaderBindings.Parameter> parameters = new ArrayList<>();
            List<String> declarators = new ArrayList<>();
            for (JsonNode parameter : node.path("inner")) {
                if (!parameter.path("kind").asText().equals("ParmVarDecl")) continue;
                String spelled = parameter.path("type").path("qualType").asText();
                String parameterName = parameter.path("name").asText("");
                CType type = decay(types.parse(spelled));
                if (type instanceof CType.Record record) layouter.layout(record.name());
                parameters.add(new HeaderBindings.Parameter(parameterName, type));
                declarators.add(CDeclarators.of(spelled, parameterName));
            }
            String returnSpelled = functionType.substring(0, functionType.indexOf('(')).strip();
            String prototype = CDeclarators.of(returnSpelled, name)
                    + "(" + (declarators.isEmpty() ? "void" : String.join(", ", declarators)) + ")";
            header.functions.add(new HeaderBindings.Function(name, returnType, List.copyOf(parameters), prototype));
        } catch (UnsupportedTypeException e) {
            header.skipped.add(new HeaderBindings.Skipped(name, e.getMessage()));
        }
    }

    /** Array and function parameters are pointers (C11 6.7.6.3). */
    private static CType decay(CType type) {
        return switch (type) {
            case CType.Array array -> new CType.Pointer(array.element());
            case CType.Function function -> new CType.Pointer(function);
            default -> type;
        };
    }

    private void addVariable(HeaderBindings header, JsonNode node, String name) {
        if (!seen.add(name)) return;
        boolean staticConst = node.path("storageClass").asText().equals("static")
                && node.path("type").path("qualType").asText().startsWith("const ");
        if (!staticConst) {
            header.skipped.add(new HeaderBindings.Skipped(name, "a variable; only constants are bound"));
            return;
        }
        try {
            if (declarations.integerType(node.path("type").path("qualType").asText()).isEmpty()) {
                throw new NotConstantException("not of an integer type");
            }
            IntValue value = new InitializerEvaluator(declarations).evaluate(node.path("inner").path(0));
            header.constants.add(new HeaderBindings.Constant(name, value));
            declarations.addConstant(name, value);
        } catch (NotConstantException e) {
            header.skipped.add(new HeaderBindings.Skipped(name, "a static const that is " + e.getMessage()));
        }
    }

    private void addMacros(Map<String, MacroDefinition> macros) {
        MacroEvaluator evaluator = new MacroEvaluator(macros, declarations);
        for (MacroDefinition macro : macros.values()) {
            HeaderBindings header = headers.get(macro.file());
            if (header == null) continue;
            if (macro.isFunctionLike()) {
                header.skipped.add(new HeaderBindings.Skipped(macro.name(), "a function-like macro"));
            } else if (macro.body().isEmpty()) {
                header.skipped.add(new HeaderBindings.Skipped(macro.name(), "an empty macro"));
            } else {
                try {
                    header.constants.add(new HeaderBindings.Constant(macro.name(), evaluator.evaluate(macro.name())));
                } catch (NotConstantException e) {
                    header.skipped.add(new HeaderBindings.Skipped(macro.name(), "a macro that is not an integer constant"));
                }
            }
        }
    }
}
