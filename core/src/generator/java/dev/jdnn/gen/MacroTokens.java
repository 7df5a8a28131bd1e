package dev.jdnn.gen;

import java.util.ArrayList;
import java.util.List;

/** Splits preprocessor text into tokens: identifiers, pp-numbers, literals and punctuators. */
final class MacroTokens {
    private static final List<String> PUNCTUATORS =
            List.of("##", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "->", "++", "--");

    private MacroTokens() {}

    static List<String> split(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (Character.isLetter(c) || c == '_') {
                while (i < text.length() && isIdentifierPart(text.charAt(i))) i++;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
                // A pp-number also swallows suffixes, exponents and digit separators: "0x1p-3f", "10ULL".
                i++;
                while (i < text.length()) {
                    char d = text.charAt(i);
                    boolean exponentSign = (d == '+' || d == '-') && "eEpP".indexOf(text.charAt(i - 1)) >= 0;
                    if (!(isIdentifierPart(d) || d == '.' || d == '\'' || exponentSign)) break;
                    i++;
                }
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < text.length() && text.charAt(i) != c) i += text.charAt(i) == '\\' ? 2 : 1;
                i = Math.min(i + 1, text.length());
            } else {
                i += punctuatorLength(text, i);
            }
            tokens.add(text.substring(start, i));
        }
        return tokens;
    }

    static boolean isIdentifier(String token) {
        return !token.isEmpty() && (Character.isLetter(token.charAt(0)) || token.charAt(0) == '_');
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static int punctuatorLength(String text, int at) {
        for (String punctuator : PUNCTUATORS) {
            if (text.startsWith(punctuator, at)) return punctuator.length();
        }
        return 1;
    }
}
