package io.blueshift.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * A small SQL tokenizer for the statement heads and file references that Calcite's grammar
 * does not accept: words, quoted identifiers, string literals ('' escapes), numbers and
 * symbols, skipping whitespace and comments ({@code --} and block comments). Each token keeps
 * its offsets and 1-based line and column in the original text.
 */
public final class SqlLexer {
    public enum Kind { WORD, QUOTED, STRING, NUMBER, SYMBOL }

    public record Token(Kind kind, String text, int start, int end, int line, int column) {
        boolean is(String word) {
            return kind == Kind.WORD && text.equalsIgnoreCase(word);
        }

        boolean isSymbol(String s) {
            return kind == Kind.SYMBOL && text.equals(s);
        }

        /** The value of a string literal (quotes removed, '' unescaped) or a quoted identifier. */
        String value() {
            if (kind == Kind.STRING || kind == Kind.QUOTED) {
                char q = text.charAt(0);
                return text.substring(1, text.length() - 1).replace("" + q + q, "" + q);
            }
            return text;
        }
    }

    private SqlLexer() {}

    /** The index of the ')' that closes the '(' at {@code open}, or -1 when it is not closed. */
    static int matching(List<Token> toks, int open) {
        int depth = 0;
        for (int k = open; k < toks.size(); k++) {
            if (toks.get(k).isSymbol("(")) {
                depth++;
            } else if (toks.get(k).isSymbol(")") && --depth == 0) {
                return k;
            }
        }
        return -1;
    }

    static List<Token> tokenize(String sql) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int line = 1;
        int lineStart = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\n') {
                line++;
                lineStart = i + 1;
                i++;
                continue;
            }
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                int end = close < 0 ? n : close + 2;
                for (int k = i; k < end; k++) {
                    if (sql.charAt(k) == '\n') {
                        line++;
                        lineStart = k + 1;
                    }
                }
                i = end;
                continue;
            }
            int start = i;
            int tokLine = line;
            int tokCol = i - lineStart + 1;
            Kind kind;
            if (c == '\'' || c == '"' || c == '`') {
                kind = c == '\'' ? Kind.STRING : Kind.QUOTED;
                i++;
                while (i < n) {
                    char d = sql.charAt(i);
                    if (d == '\n') {
                        line++;
                        lineStart = i + 1;
                    }
                    if (d == c) {
                        if (i + 1 < n && sql.charAt(i + 1) == c) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i++;
                }
                if (i >= n) {
                    throw new SqlException("syntax error at line " + tokLine + ", column " + tokCol
                            + ": unterminated " + (kind == Kind.STRING ? "string" : "quoted identifier"), tokLine, tokCol, null);
                }
                i++;
            } else if (Character.isLetter(c) || c == '_' || c == '$') {
                kind = Kind.WORD;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(sql.charAt(i + 1)))) {
                kind = Kind.NUMBER;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
            } else {
                kind = Kind.SYMBOL;
                i++;
                if (i < n && ((c == '=' && sql.charAt(i) == '>') || (c == ':' && sql.charAt(i) == '='))) {
                    i++;
                }
            }
            out.add(new Token(kind, sql.substring(start, i), start, i, tokLine, tokCol));
        }
        return out;
    }
}
