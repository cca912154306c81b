package io.blueshift.sql;

import io.blueshift.sql.SqlLexer.Kind;
import io.blueshift.sql.SqlLexer.Token;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * DuckDB's (and PostgreSQL's) cast {@code x::TYPE}, which Calcite's grammar lacks, as
 * {@code CAST(x AS TYPE)}. The operand is the primary expression just before {@code ::}: a
 * name (dotted), a number, a string (with its DATE/TIMESTAMP/INTERVAL keyword), a
 * parenthesized expression or a function call, or a CASE ... END; the type is a name with
 * optional (precision, scale). Casts bind tighter than any operator, as in DuckDB.
 */
final class InfixCasts {
    private InfixCasts() {
    }

    /** Words that end an operand to their right: a parenthesis after them is not a call. */
    private static final Set<String> KEYWORDS = Set.of("select", "where", "and", "or", "not", "on", "by", "when", "then",
            "else", "in", "as", "from", "having", "case", "exists", "is", "like", "ilike", "between", "join", "using",
            "all", "any", "some", "distinct", "union", "except", "intersect", "with", "values", "limit", "offset", "over",
            "filter", "within", "qualify", "return", "into", "set");

    /** DuckDB type names Calcite does not know. */
    private static final Map<String, String> TYPES = Map.of("text", "VARCHAR", "string", "VARCHAR", "int8", "BIGINT",
            "long", "BIGINT", "int4", "INTEGER", "int", "INTEGER", "signed", "INTEGER", "int2", "SMALLINT",
            "float8", "DOUBLE", "bool", "BOOLEAN");

    /** Casts as many as the text has (each rewrite re-reads the text, so chained casts work). */
    static String rewrite(String sql) {
        if (!sql.contains("::")) {
            return sql;
        }
        for (int guard = 0; guard < 1000; guard++) {
            List<Token> toks = SqlLexer.tokenize(sql);
            int at = -1;
            for (int i = 1; i + 1 < toks.size(); i++) {
                if (toks.get(i).isSymbol(":") && toks.get(i + 1).isSymbol(":") && toks.get(i).end() == toks.get(i + 1).start()) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                return sql;
            }
            int from = operandStart(toks, at - 1);
            int typeEnd = typeEnd(toks, at + 2);
            if (from < 0 || typeEnd < 0) {
                Token t = toks.get(at);
                throw new SqlException("syntax error at line " + t.line() + ", column " + t.column()
                        + ": expected an expression before :: and a type after it", t.line(), t.column(), null);
            }
            Token typeFirst = toks.get(at + 2);
            String typeText = sql.substring(typeFirst.start(), toks.get(typeEnd).end());
            String mapped = TYPES.get(typeText.toLowerCase(Locale.ROOT));
            sql = sql.substring(0, toks.get(from).start()) + "CAST(" + sql.substring(toks.get(from).start(), toks.get(at - 1).end())
                    + " AS " + (mapped != null ? mapped : typeText) + ")" + sql.substring(toks.get(typeEnd).end());
        }
        return sql;
    }

    /** The first token of the operand that ends at token {@code end}, or -1. */
    private static int operandStart(List<Token> toks, int end) {
        Token t = toks.get(end);
        int start;
        if (t.isSymbol(")")) {
            start = matching(toks, end, "(", ")");
            if (start < 0) {
                return -1;
            }
            if (start > 0 && (toks.get(start - 1).kind() == Kind.WORD || toks.get(start - 1).kind() == Kind.QUOTED)
                    && !KEYWORDS.contains(toks.get(start - 1).text().toLowerCase(Locale.ROOT))) {
                start = dotted(toks, start - 1);    // a function call
            }
            return start;
        }
        if (t.is("end")) {
            return matching(toks, end, "case", "end");
        }
        if (t.kind() == Kind.STRING) {
            if (end > 0 && (toks.get(end - 1).is("date") || toks.get(end - 1).is("timestamp") || toks.get(end - 1).is("time"))) {
                return end - 1;
            }
            return end;
        }
        if (t.kind() == Kind.NUMBER) {
            return end;
        }
        if ((t.kind() == Kind.WORD && !KEYWORDS.contains(t.text().toLowerCase(Locale.ROOT))) || t.kind() == Kind.QUOTED) {
            return dotted(toks, end);
        }
        return -1;
    }

    /** A name with its qualifiers ({@code t.x}) ending at {@code end}. */
    private static int dotted(List<Token> toks, int end) {
        int s = end;
        while (s >= 2 && toks.get(s - 1).isSymbol(".")
                && (toks.get(s - 2).kind() == Kind.WORD || toks.get(s - 2).kind() == Kind.QUOTED)) {
            s -= 2;
        }
        return s;
    }

    /** The opening token matching the closing one at {@code close}, counting nesting; -1 if none. */
    private static int matching(List<Token> toks, int close, String open, String closeText) {
        int depth = 0;
        for (int k = close; k >= 0; k--) {
            Token t = toks.get(k);
            boolean isClose = closeText.equals(")") ? t.isSymbol(")") : t.is(closeText);
            boolean isOpen = open.equals("(") ? t.isSymbol("(") : t.is(open);
            if (isClose) {
                depth++;
            } else if (isOpen && --depth == 0) {
                return k;
            }
        }
        return -1;
    }

    /** The last token of the type starting at {@code start}: a name, then optional (args); -1 if none. */
    private static int typeEnd(List<Token> toks, int start) {
        if (start >= toks.size() || toks.get(start).kind() != Kind.WORD) {
            return -1;
        }
        int end = start;
        if (toks.get(start).is("double") && start + 1 < toks.size() && toks.get(start + 1).is("precision")) {
            end++;
        }
        if (end + 1 < toks.size() && toks.get(end + 1).isSymbol("(")) {
            for (int k = end + 2; k < toks.size(); k++) {
                if (toks.get(k).isSymbol(")")) {
                    return k;
                }
            }
            return -1;
        }
        return end;
    }
}
