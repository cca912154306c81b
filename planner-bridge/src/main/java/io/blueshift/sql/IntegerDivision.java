package io.blueshift.sql;

import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

import java.util.List;

/**
 * DuckDB's {@code a // b} (integer division), which Calcite's grammar lacks ({@code //} would
 * start a line comment there). Before parsing, {@code a // b} is written {@code a / "$intdiv"(b)},
 * the right operand wrapped in a marker call so {@code /}'s precedence and associativity
 * decide the left one; after parsing, each {@code x / "$intdiv"(y)} becomes
 * {@link SqlFunctions#INT_DIV}{@code (x, y)}, and result names read {@code x // y} again.
 * A right operand that is not a term (a number, a name, a call, a parenthesized expression,
 * each with an optional sign) gets a clear error asking for parentheses.
 */
final class IntegerDivision {
    private IntegerDivision() {
    }

    private static final String MARK = "\"$intdiv\"";

    static String mark(String sql) {
        if (!sql.contains("//")) {
            return sql;
        }
        List<SqlLexer.Token> toks = SqlLexer.tokenize(sql);
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i + 1 < toks.size(); i++) {
            SqlLexer.Token t = toks.get(i);
            if (!(t.isSymbol("/") && toks.get(i + 1).isSymbol("/") && toks.get(i + 1).start() == t.end())) {
                continue;
            }
            int first = i + 2;
            int last = termEnd(toks, first);
            if (last < 0) {
                throw new SqlException("line " + t.line() + ", column " + t.column()
                        + ": put the right side of // in parentheses (a // (b + c))", t.line(), t.column(), null);
            }
            if (out == null) {
                out = new StringBuilder(sql.length() + 16);
            }
            out.append(sql, copied, t.start()).append("/ ").append(MARK).append('(')
                    .append(sql, toks.get(first).start(), toks.get(last).end()).append(')');
            copied = toks.get(last).end();
            i = last;
        }
        return out == null ? sql : out.append(sql, copied, sql.length()).toString();
    }

    /** The index of the last token of the term starting at {@code i}, or -1 when there is none there. */
    private static int termEnd(List<SqlLexer.Token> toks, int i) {
        while (i < toks.size() && (toks.get(i).isSymbol("-") || toks.get(i).isSymbol("+"))) {
            i++;
        }
        if (i >= toks.size()) {
            return -1;
        }
        SqlLexer.Token t = toks.get(i);
        if (t.isSymbol("(")) {
            return SqlLexer.matching(toks, i);
        }
        if (t.kind() == SqlLexer.Kind.NUMBER) {
            return i;
        }
        if (t.kind() != SqlLexer.Kind.WORD && t.kind() != SqlLexer.Kind.QUOTED) {
            return -1;
        }
        if (t.kind() == SqlLexer.Kind.WORD && (t.is("case") || t.is("not") || t.is("interval") || t.is("date")
                || t.is("timestamp") || t.is("exists") || t.is("select"))) {
            return -1;
        }
        // a name, qualified names, or a call
        while (i + 2 < toks.size() && toks.get(i + 1).isSymbol(".")
                && (toks.get(i + 2).kind() == SqlLexer.Kind.WORD || toks.get(i + 2).kind() == SqlLexer.Kind.QUOTED)) {
            i += 2;
        }
        if (i + 1 < toks.size() && toks.get(i + 1).isSymbol("(")) {
            return SqlLexer.matching(toks, i + 1);
        }
        return i;
    }

    /** Each marked division as {@link SqlFunctions#INT_DIV}, and the names taken from the marked text read as written. */
    static void rewrite(SqlNode parsed) {
        parsed.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call instanceof SqlBasicCall b && b.getKind() == SqlKind.DIVIDE && b.operandCount() == 2
                        && b.operand(1) instanceof SqlBasicCall m && m.operandCount() == 1
                        && m.getOperator().getName().equals("$intdiv")) {
                    b.setOperator(SqlFunctions.INT_DIV);
                    b.setOperand(1, m.operand(0));
                } else if (call.getKind() == SqlKind.AS && call.operandCount() == 2
                        && call.operand(1) instanceof SqlIdentifier alias && alias.isSimple()
                        && alias.getSimple().contains(MARK)) {
                    call.setOperand(1, new SqlIdentifier(unmark(alias.getSimple()), SqlParserPos.ZERO));
                }
                return super.visit(call);
            }
        });
    }

    /** {@code a / "$intdiv"(b)} read back as {@code a // b}. */
    static String unmark(String text) {
        StringBuilder sb = new StringBuilder(text);
        int at;
        while ((at = sb.indexOf("/ " + MARK + "(")) >= 0) {
            int open = at + 2 + MARK.length();
            int depth = 0;
            int close = -1;
            for (int k = open; k < sb.length(); k++) {
                if (sb.charAt(k) == '(') {
                    depth++;
                } else if (sb.charAt(k) == ')' && --depth == 0) {
                    close = k;
                    break;
                }
            }
            if (close < 0) {
                break;
            }
            sb.deleteCharAt(close);
            sb.replace(at, open + 1, "// ");
        }
        return sb.toString();
    }
}
