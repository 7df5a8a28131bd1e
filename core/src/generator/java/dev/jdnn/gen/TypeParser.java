package dev.jdnn.gen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses the type strings clang prints ("const dnnl_dim_t *", "unsigned char[4]", "void (*)(int)")
 * into {@link CType}s, resolving typedef names through a {@link TypeScope}. Clang's JSON gives
 * parameters and fields only as such strings, so this is the one place that reads C declarators.
 */
final class TypeParser {
    private static final Set<String> QUALIFIERS =
            Set.of("const", "volatile", "restrict", "__restrict", "_Atomic", "__unaligned");
    private static final Set<String> BUILTIN_WORDS = Set.of("void", "_Bool", "char", "short", "int", "long",
            "float", "double", "signed", "unsigned", "__int128", "_Float16", "__fp16", "_Complex");

    private final TypeScope scope;
    private final Map<String, CType> resolvedTypedefs = new HashMap<>();

    TypeParser(TypeScope scope) {
        this.scope = scope;
    }

    /** The type a clang type string denotes, with every typedef resolved. */
    CType parse(String spelled) throws UnsupportedTypeException {
        Tokens tokens = new Tokens(spelled);
        CType base = parseBase(tokens, spelled);
        CType type = parseDeclarator(tokens, base, spelled);
        if (!tokens.atEnd()) {
            throw new UnsupportedTypeException("cannot parse type '" + spelled + "'");
        }
        return type;
    }

    /** The return type of a function type string such as "int (void *, size_t)". */
    CType returnType(String functionType) throws UnsupportedTypeException {
        String text = functionType.strip();
        if (!text.endsWith(")")) {
            throw new UnsupportedTypeException("not a function type: '" + functionType + "'");
        }
        int depth = 0;
        for (int i = text.length() - 1; i >= 0; i--) {
            char c = text.charAt(i);
            if (c == ')') depth++;
            if (c == '(' && --depth == 0) {
                String result = text.substring(0, i).strip();
                if (result.contains("(")) {
                    throw new UnsupportedTypeException("function returning a function pointer: '" + functionType + "'");
                }
                return parse(result);
            }
        }
        throw new UnsupportedTypeException("unbalanced function type '" + functionType + "'");
    }

    private CType parseBase(Tokens tokens, String spelled) throws UnsupportedTypeException {
        List<String> builtin = new ArrayList<>();
        CType named = null;
        while (!tokens.atEnd() && tokens.peekIsIdentifier()) {
            String word = tokens.peek();
            if (QUALIFIERS.contains(word)) {
                tokens.next();
            } else if (named == null && builtin.isEmpty() && Set.of("struct", "union", "enum").contains(word)) {
                tokens.next();
                if (tokens.atEnd() || !tokens.peekIsIdentifier()) {
                    throw new UnsupportedTypeException("has an anonymous " + word + " type");
                }
                String tag = tokens.next();
                named = word.equals("enum") ? enumType(tag, spelled) : new CType.Record(tag);
            } else if (named == null && BUILTIN_WORDS.contains(word)) {
                builtin.add(tokens.next());
            } else if (named == null && builtin.isEmpty()) {
                named = typedef(tokens.next());
            } else {
                break;
            }
        }
        if (named != null) return named;
        if (builtin.isEmpty()) throw new UnsupportedTypeException("no base type in '" + spelled + "'");
        return scalar(builtin, spelled);
    }

    private CType enumType(String tag, String spelled) throws UnsupportedTypeException {
        return scope.enumStorage(tag)
                .orElseThrow(() -> new UnsupportedTypeException("unknown enum " + tag + " in '" + spelled + "'"));
    }

    private CType typedef(String name) throws UnsupportedTypeException {
        CType known = resolvedTypedefs.get(name);
        if (known != null) return known;
        String target = scope.typedefTarget(name)
                .orElseThrow(() -> new UnsupportedTypeException("unknown type name " + name));
        CType type = parse(target);
        resolvedTypedefs.put(name, type);
        return type;
    }

    private static CType.Scalar scalar(List<String> words, String spelled) throws UnsupportedTypeException {
        if (words.contains("__int128") || words.contains("_Float16") || words.contains("__fp16")
                || words.contains("_Complex") || (words.contains("long") && words.contains("double"))) {
            throw new UnsupportedTypeException("no Java carrier for '" + spelled + "'");
        }
        if (words.contains("void")) return CType.Scalar.VOID;
        if (words.contains("_Bool")) return CType.Scalar.BOOL;
        if (words.contains("char")) return CType.Scalar.CHAR;
        if (words.contains("short")) return CType.Scalar.SHORT;
        if (words.contains("float")) return CType.Scalar.FLOAT;
        if (words.contains("double")) return CType.Scalar.DOUBLE;
        if (words.contains("long")) return CType.Scalar.LONG;
        return CType.Scalar.INT;
    }

    private static CType parseDeclarator(Tokens tokens, CType base, String spelled) throws UnsupportedTypeException {
        CType type = base;
        while (tokens.peekIs("*")) {
            tokens.next();
            type = new CType.Pointer(type);
            while (!tokens.atEnd() && QUALIFIERS.contains(tokens.peek())) tokens.next();
        }
        if (tokens.peekIs("(")) {
            return functionPointer(tokens, spelled);
        }
        List<Long> lengths = new ArrayList<>();
        while (tokens.peekIs("[")) {
            tokens.next();
            if (tokens.atEnd() || !Character.isDigit(tokens.peek().charAt(0))) {
                throw new UnsupportedTypeException("array without a constant length in '" + spelled + "'");
            }
            lengths.add(Long.parseLong(tokens.next()));
            tokens.expect("]", spelled);
        }
        for (int i = lengths.size() - 1; i >= 0; i--) {
            type = new CType.Array(type, lengths.get(i));
        }
        return type;
    }

    /** "ret (*)(params)" or "ret (*const)(params)": the return and parameter types do not matter. */
    private static CType functionPointer(Tokens tokens, String spelled) throws UnsupportedTypeException {
        tokens.expect("(", spelled);
        tokens.expect("*", spelled);
        while (!tokens.atEnd() && tokens.peekIsIdentifier()) tokens.next();
        tokens.expect(")", spelled);
        tokens.expect("(", spelled);
        int depth = 1;
        while (depth > 0) {
            if (tokens.atEnd()) throw new UnsupportedTypeException("unbalanced parentheses in '" + spelled + "'");
            String token = tokens.next();
            if (token.equals("(")) depth++;
            if (token.equals(")")) depth--;
        }
        return new CType.Pointer(new CType.Function());
    }

    /** Identifiers, numbers and single punctuation characters of a type string. */
    private static final class Tokens {
        private final List<String> items = new ArrayList<>();
        private int position;

        Tokens(String text) {
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (Character.isLetterOrDigit(c) || c == '_') {
                    int start = i;
                    while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) i++;
                    items.add(text.substring(start, i));
                } else {
                    items.add(String.valueOf(c));
                    i++;
                }
            }
        }

        boolean atEnd() {
            return position >= items.size();
        }

        String peek() {
            return items.get(position);
        }

        boolean peekIs(String token) {
            return !atEnd() && peek().equals(token);
        }

        boolean peekIsIdentifier() {
            char c = peek().charAt(0);
            return Character.isLetter(c) || c == '_';
        }

        String next() {
            return items.get(position++);
        }

        void expect(String token, String spelled) throws UnsupportedTypeException {
            if (!peekIs(token)) throw new UnsupportedTypeException("cannot parse type '" + spelled + "'");
            position++;
        }
    }
}
