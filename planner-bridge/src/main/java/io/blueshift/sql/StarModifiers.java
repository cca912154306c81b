package io.blueshift.sql;

import io.blueshift.sql.SqlLexer.Token;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlStarExclude;
import org.apache.calcite.sql.SqlStarReplace;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DuckDB's star modifiers: {@code SELECT * EXCLUDE (a, b)} (every column but these) and
 * {@code SELECT * REPLACE (expr AS a)} (every column, {@code a} computed by {@code expr}), also
 * after a qualifier ({@code t.* EXCLUDE a}). Calcite's validator expands both
 * ({@link SqlStarExclude}, {@link SqlStarReplace}) but its default grammar does not parse them,
 * so the text's modifier becomes a call Calcite parses ({@link #mark}), and the parsed call is
 * turned back into the star node ({@link #expand}) before validation.
 */
final class StarModifiers {
    private StarModifiers() {
    }

    private static final String EXCLUDE = "$star_exclude";
    private static final String REPLACE = "$star_replace";

    /**
     * {@code [q.]* EXCLUDE (a, b)} becomes {@code "$star_exclude"('q', a, b)} and
     * {@code [q.]* REPLACE (e1 AS a, e2 AS b)} becomes {@code "$star_replace"('q', e1, 'a', e2, 'b')}.
     */
    static String mark(String sql) {
        String lower = sql.toLowerCase(Locale.ROOT);
        if (!lower.contains("exclude") && !lower.contains("replace")) {
            return sql;
        }
        List<Token> toks = SqlLexer.tokenize(sql);
        StringBuilder out = null;
        int copied = 0;
        for (int i = 0; i + 1 < toks.size(); i++) {
            Token star = toks.get(i);
            Token word = toks.get(i + 1);
            if (!star.isSymbol("*") || !(word.is("exclude") || word.is("replace")) || i == 0) {
                continue;
            }
            // a select star: after SELECT, DISTINCT, ALL, a comma, or a qualifier's dot
            Token before = toks.get(i - 1);
            int start = star.start();
            String qualifier = "";
            if (before.isSymbol(".")) {
                int q = i - 2;
                while (q >= 2 && toks.get(q - 1).isSymbol(".")) {
                    q -= 2;
                }
                if (q < 0) {
                    continue;
                }
                StringBuilder name = new StringBuilder();
                for (int k = q; k < i - 1; k += 2) {
                    name.append(k == q ? "" : "\u0001").append(identifier(toks.get(k)));
                }
                qualifier = name.toString();
                start = toks.get(q).start();
            } else if (!(before.is("select") || before.is("distinct") || before.is("all") || before.isSymbol(","))) {
                continue;
            }
            boolean exclude = word.is("exclude");
            List<List<Token>> items = new ArrayList<>();
            int end;
            if (i + 2 < toks.size() && toks.get(i + 2).isSymbol("(")) {
                int depth = 0;
                int close = -1;
                List<Token> item = new ArrayList<>();
                for (int k = i + 2; k < toks.size(); k++) {
                    Token t = toks.get(k);
                    if (t.isSymbol("(")) {
                        depth++;
                        if (depth == 1) {
                            continue;
                        }
                    } else if (t.isSymbol(")")) {
                        depth--;
                        if (depth == 0) {
                            close = k;
                            break;
                        }
                    } else if (t.isSymbol(",") && depth == 1) {
                        items.add(item);
                        item = new ArrayList<>();
                        continue;
                    }
                    item.add(t);
                }
                if (close < 0) {
                    throw new SqlException("line " + word.line() + ", column " + word.column() + ": "
                            + word.text().toUpperCase(Locale.ROOT) + " ( without its closing parenthesis",
                            word.line(), word.column(), null);
                }
                items.add(item);
                end = toks.get(close).end();
            } else if (exclude && i + 2 < toks.size() && (toks.get(i + 2).kind() == SqlLexer.Kind.WORD
                    || toks.get(i + 2).kind() == SqlLexer.Kind.QUOTED)) {
                items.add(List.of(toks.get(i + 2)));   // * EXCLUDE a
                end = toks.get(i + 2).end();
            } else {
                continue;
            }
            StringBuilder call = new StringBuilder();
            call.append('"').append(exclude ? EXCLUDE : REPLACE).append("\"('").append(qualifier.replace("'", "''")).append('\'');
            for (List<Token> item : items) {
                if (item.isEmpty()) {
                    throw new SqlException("line " + word.line() + ", column " + word.column() + ": empty "
                            + word.text().toUpperCase(Locale.ROOT) + " list", word.line(), word.column(), null);
                }
                if (exclude) {
                    call.append(", ").append(sql, item.get(0).start(), item.get(item.size() - 1).end());
                } else {
                    int as = -1;
                    int depth = 0;
                    for (int k = 0; k < item.size(); k++) {
                        Token t = item.get(k);
                        depth += t.isSymbol("(") ? 1 : t.isSymbol(")") ? -1 : 0;
                        if (depth == 0 && t.is("as")) {
                            as = k;
                        }
                    }
                    if (as <= 0 || as != item.size() - 2) {
                        Token t = item.get(0);
                        throw new SqlException("line " + t.line() + ", column " + t.column()
                                + ": each REPLACE item is 'expression AS column'", t.line(), t.column(), null);
                    }
                    call.append(", ").append(sql, item.get(0).start(), item.get(as - 1).end())
                            .append(", '").append(identifier(item.get(as + 1)).replace("'", "''")).append('\'');
                }
            }
            call.append(')');
            if (out == null) {
                out = new StringBuilder(sql.length() + 16);
            }
            out.append(sql, copied, start).append(call);
            copied = end;
        }
        return out == null ? sql : out.append(sql, copied, sql.length()).toString();
    }

    /** A name as the parser sees it: unquoted words lower-cased, quoted ones as written. */
    private static String identifier(Token t) {
        return t.kind() == SqlLexer.Kind.WORD ? t.text().toLowerCase(Locale.ROOT) : t.value();
    }

    /** Turns {@link #mark}'s calls in select lists back into Calcite's star-exclude / star-replace nodes. */
    static void expand(SqlNode query) {
        query.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call instanceof SqlSelect select && select.getSelectList() != null) {
                    SqlNodeList list = select.getSelectList();
                    for (int i = 0; i < list.size(); i++) {
                        SqlNode item = list.get(i);
                        if (item instanceof SqlBasicCall as && as.getOperator() == SqlStdOperatorTable.AS) {
                            item = as.operand(0);   // named by OutputNames: a star has no name of its own
                        }
                        if (item instanceof SqlBasicCall c && (isCall(c, EXCLUDE) || isCall(c, REPLACE))) {
                            list.set(i, rebuild(c));
                        }
                    }
                }
                return super.visit(call);
            }
        });
    }

    private static boolean isCall(SqlBasicCall c, String name) {
        return c.getOperator().getName().equals(name);
    }

    private static SqlNode rebuild(SqlBasicCall c) {
        SqlParserPos pos = c.getParserPosition();
        List<SqlNode> ops = c.getOperandList();
        String qualifier = ((SqlLiteral) ops.get(0)).getValueAs(String.class);
        List<String> names = new ArrayList<>();
        if (!qualifier.isEmpty()) {
            names.addAll(List.of(qualifier.split("\u0001")));
        }
        names.add("");
        SqlIdentifier star = SqlIdentifier.star(names, pos, java.util.Collections.nCopies(names.size(), pos));
        if (isCall(c, EXCLUDE)) {
            SqlNodeList excluded = new SqlNodeList(pos);
            for (SqlNode n : ops.subList(1, ops.size())) {
                if (!(n instanceof SqlIdentifier)) {
                    SqlParserPos p = n.getParserPosition();
                    throw new SqlException("line " + p.getLineNum() + ", column " + p.getColumnNum()
                            + ": EXCLUDE takes column names, not expressions", p.getLineNum(), p.getColumnNum(), null);
                }
                excluded.add(n);
            }
            return new SqlStarExclude(pos, star, excluded);
        }
        SqlNodeList replaced = new SqlNodeList(pos);
        for (int k = 1; k + 1 < ops.size(); k += 2) {
            String name = ((SqlLiteral) ops.get(k + 1)).getValueAs(String.class);
            SqlParserPos p = ops.get(k + 1).getParserPosition();
            replaced.add(SqlStdOperatorTable.AS.createCall(p, ops.get(k), new SqlIdentifier(name, p)));
        }
        return new SqlStarReplace(pos, star, replaced);
    }
}
