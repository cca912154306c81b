package io.blueshift.sql;

import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Names the result columns that have no alias by their SQL text, as DuckDB and PostgreSQL
 * users expect ({@code SELECT sum(x) + 1} gives a column {@code sum(x) + 1}, not Calcite's
 * {@code EXPR$0}). Only the outermost select list (the first branch of a set operation) is
 * named; plain column references keep their own names.
 */
final class OutputNames {
    private OutputNames() {
    }

    /** Longest name taken from the text; longer expressions keep Calcite's name. */
    private static final int MAX_NAME = 120;

    static void name(SqlNode query, String sql) {
        SqlSelect select = outermost(query);
        if (select == null || select.getSelectList() == null) {
            return;
        }
        int[] lineStarts = lineStarts(sql);
        SqlNodeList items = select.getSelectList();
        for (int i = 0; i < items.size(); i++) {
            SqlNode item = items.get(i);
            if (item instanceof SqlIdentifier || item.getKind() == SqlKind.AS) {
                continue;
            }
            String text = text(item.getParserPosition(), sql, lineStarts);
            if (text != null) {
                items.set(i, SqlStdOperatorTable.AS.createCall(item.getParserPosition(), item,
                        new SqlIdentifier(text, SqlParserPos.ZERO)));
            }
        }
    }

    private static SqlSelect outermost(SqlNode n) {
        return switch (n) {
            case SqlSelect s -> s;
            case SqlOrderBy o -> outermost(o.query);
            case SqlWith w -> outermost(w.body);
            case SqlBasicCall c when c.getKind() == SqlKind.UNION || c.getKind() == SqlKind.INTERSECT
                    || c.getKind() == SqlKind.EXCEPT -> outermost(c.operand(0));
            case null, default -> null;
        };
    }

    private static int[] lineStarts(String sql) {
        int lines = 1;
        for (int i = 0; i < sql.length(); i++) {
            if (sql.charAt(i) == '\n') {
                lines++;
            }
        }
        int[] starts = new int[lines + 1];
        int k = 1;
        for (int i = 0; i < sql.length(); i++) {
            if (sql.charAt(i) == '\n') {
                starts[k++] = i + 1;
            }
        }
        starts[lines] = sql.length() + 1;
        return starts;
    }

    /** The text between a position's start and end (1-based, inclusive), whitespace runs as one space. */
    private static String text(SqlParserPos pos, String sql, int[] lineStarts) {
        int line = pos.getLineNum();
        int endLine = pos.getEndLineNum();
        if (line < 1 || endLine < line || endLine >= lineStarts.length) {
            return null;
        }
        int from = lineStarts[line - 1] + pos.getColumnNum() - 1;
        int to = lineStarts[endLine - 1] + pos.getEndColumnNum();
        if (from < 0 || to > sql.length() || to <= from) {
            return null;
        }
        String text = unquoteRespelled(sql.substring(from, to).strip().replaceAll("\\s+", " "));
        return text.isEmpty() || text.length() > MAX_NAME ? null : text;
    }

    private static final java.util.regex.Pattern QUOTED_CALL = java.util.regex.Pattern.compile("\"([A-Z][A-Z0-9_]*)\"\\(");

    /** The names {@link SqlFunctions#respell} quoted (Calcite reserves them) as the user wrote them, in lower case. */
    private static String unquoteRespelled(String text) {
        if (text.indexOf('"') < 0) {
            return text;
        }
        return QUOTED_CALL.matcher(text).replaceAll(m -> {
            String name = m.group(1).toLowerCase(java.util.Locale.ROOT);
            return name.equals("contains") || Regressions.NAMES.contains(name) ? name + "(" : java.util.regex.Matcher.quoteReplacement(m.group());
        });
    }
}
