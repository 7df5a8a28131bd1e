package dev.jdnn.gen;

import java.util.List;
import java.util.Map;

/** Evaluates object-like macros as integer constants: expand the name, then evaluate the tokens. */
final class MacroEvaluator {
    private final MacroExpander expander;
    private final ConstantExpression.Names names;

    MacroEvaluator(Map<String, MacroDefinition> macros, ConstantExpression.Names names) {
        this.expander = new MacroExpander(macros);
        this.names = names;
    }

    /** The value of the macro, or NotConstantException saying why it has none. */
    IntValue evaluate(String macro) throws NotConstantException {
        return ConstantExpression.evaluate(expander.expand(List.of(macro)), names);
    }
}
