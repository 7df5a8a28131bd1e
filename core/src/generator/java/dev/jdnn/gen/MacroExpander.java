package dev.jdnn.gen;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Expands macro references in a token list the way the C preprocessor does for the cases constant
 * macros use: object-like macros, function-like macros with arguments, and token pasting ({@code ##}),
 * which glibc needs for {@code INT64_MIN -> __INT64_C(9223372036854775807) -> 9223372036854775807L}.
 * A macro is never expanded inside its own expansion. Stringizing ({@code #x}) is not supported.
 */
final class MacroExpander {
    private final Map<String, MacroDefinition> macros;

    MacroExpander(Map<String, MacroDefinition> macros) {
        this.macros = macros;
    }

    List<String> expand(List<String> tokens) throws NotConstantException {
        return expand(tokens, Set.of());
    }

    private List<String> expand(List<String> tokens, Set<String> active) throws NotConstantException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            MacroDefinition macro = MacroTokens.isIdentifier(token) && !active.contains(token) ? macros.get(token) : null;
            if (macro == null) {
                out.add(token);
            } else if (!macro.isFunctionLike()) {
                out.addAll(expand(MacroTokens.split(macro.body()), with(active, token)));
            } else if (i + 1 < tokens.size() && tokens.get(i + 1).equals("(")) {
                List<List<String>> arguments = new ArrayList<>();
                i = collectArguments(tokens, i + 1, arguments, token);
                List<String> substituted = substitute(macro, arguments, active);
                out.addAll(expand(substituted, with(active, token)));
            } else {
                out.add(token);
            }
        }
        return out;
    }

    /** Reads the arguments after the '(' at {@code open}; returns the index of the closing ')'. */
    private static int collectArguments(List<String> tokens, int open, List<List<String>> arguments, String name)
            throws NotConstantException {
        int depth = 0;
        List<String> current = new ArrayList<>();
        for (int i = open + 1; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token.equals(")") && depth == 0) {
                arguments.add(current);
                return i;
            }
            if (token.equals(",") && depth == 0) {
                arguments.add(current);
                current = new ArrayList<>();
                continue;
            }
            if (token.equals("(")) depth++;
            if (token.equals(")")) depth--;
            current.add(token);
        }
        throw new NotConstantException("unterminated arguments of macro " + name);
    }

    private List<String> substitute(MacroDefinition macro, List<List<String>> arguments, Set<String> active)
            throws NotConstantException {
        List<String> parameters = macro.parameters();
        boolean noArguments = parameters.isEmpty() && arguments.size() == 1 && arguments.getFirst().isEmpty();
        if (arguments.size() != parameters.size() && !noArguments) {
            throw new NotConstantException("macro " + macro.name() + " takes " + parameters.size()
                    + " arguments, got " + arguments.size());
        }
        List<String> body = MacroTokens.split(macro.body());
        List<String> replaced = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            String token = body.get(i);
            if (token.equals("#")) throw new NotConstantException("macro " + macro.name() + " stringizes");
            int index = parameters.indexOf(token);
            if (index < 0) {
                replaced.add(token);
                continue;
            }
            boolean pasted = (i > 0 && body.get(i - 1).equals("##")) || (i + 1 < body.size() && body.get(i + 1).equals("##"));
            // Operands of ## are pasted as written; other arguments are fully expanded first.
            replaced.addAll(pasted ? arguments.get(index) : expand(arguments.get(index), active));
        }
        return paste(replaced, macro.name());
    }

    private static List<String> paste(List<String> tokens, String name) throws NotConstantException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (!tokens.get(i).equals("##")) {
                out.add(tokens.get(i));
                continue;
            }
            if (out.isEmpty() || i + 1 >= tokens.size()) throw new NotConstantException("macro " + name + " misuses ##");
            out.add(out.removeLast() + tokens.get(++i));
        }
        return out;
    }

    private static Set<String> with(Set<String> active, String name) {
        Set<String> next = new HashSet<>(active);
        next.add(name);
        return next;
    }
}
