package io.blueshift.sql;

import io.blueshift.sql.SqlLexer.Token;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DuckDB's {@code GROUP BY ALL} (group by every select item without an aggregate) and
 * {@code ORDER BY ALL} (order by every select item, left to right). The text's
 * {@code BY ALL} becomes {@code BY "$all"} so Calcite parses it ({@link #mark}); the parsed
 * query's marker is then replaced by the items ({@link #expand}).
 */
final class ByAll {
    private ByAll() {
    }

    static final String MARKER = "$all";

    /** Aggregate functions by name (the parser has not resolved them yet). */
    private static final Set<String> AGGREGATES = Set.of("count", "sum", "min", "max", "avg", "stddev", "stddev_pop",
            "stddev_samp", "variance", "var_pop", "var_samp", "any_value", "median", "quantile", "quantile_cont",
            "quantile_disc", "mode", "string_agg", "listagg", "arg_min", "arg_max", "min_by", "max_by", "bool_and",
            "bool_or", "every", "some", "count_if", "first_value", "last_value", "row_number", "rank", "dense_rank",
            "percentile_cont", "percentile_disc", "grouping");

    /** {@code GROUP BY ALL} / {@code ORDER BY ALL} (ALL not followed by an expression) marked for {@link #expand}. */
    static String mark(String sql) {
        if (!sql.toLowerCase(Locale.ROOT).contains("all")) {
            return sql;
        }
        List<Token> toks = SqlLexer.tokenize(sql);
        StringBuilder out = null;
        int copied = 0;
        for (int i = 2; i < toks.size(); i++) {
            Token t = toks.get(i);
            if (!t.is("all") || !toks.get(i - 1).is("by") || !(toks.get(i - 2).is("group") || toks.get(i - 2).is("order"))) {
                continue;
            }
            Token next = i + 1 < toks.size() ? toks.get(i + 1) : null;
            boolean alone = next == null || next.isSymbol(")") || next.isSymbol(";")
                    || next.is("asc") || next.is("desc") || next.is("nulls") || next.is("having") || next.is("order")
                    || next.is("limit") || next.is("offset") || next.is("qualify") || next.is("window") || next.is("union")
                    || next.is("except") || next.is("intersect") || next.is("fetch");
            if (alone) {
                if (out == null) {
                    out = new StringBuilder();
                }
                out.append(sql, copied, t.start()).append('"').append(MARKER).append('"');
                copied = t.end();
            }
        }
        return out == null ? sql : out.append(sql, copied, sql.length()).toString();
    }

    static void expand(SqlNode query) {
        query.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call instanceof SqlSelect select) {
                    if (select.getGroup() != null && select.getGroup().size() == 1 && isMarker(select.getGroup().get(0))) {
                        select.setGroupBy(groupItems(select));
                    }
                    if (select.getOrderList() != null) {
                        select.setOrderBy(orderItems(select.getOrderList(), select));
                    }
                } else if (call instanceof SqlOrderBy order && order.query instanceof SqlSelect select
                        && order.orderList.size() == 1 && isMarkerItem(order.orderList.get(0))) {
                    SqlNodeList items = orderItems(order.orderList, select);
                    order.orderList.set(0, items.get(0));
                    for (int i = 1; i < items.size(); i++) {
                        order.orderList.add(items.get(i));
                    }
                }
                return super.visit(call);
            }
        });
    }

    private static boolean isMarker(SqlNode n) {
        return n instanceof SqlIdentifier id && id.isSimple() && id.getSimple().equals(MARKER);
    }

    private static boolean isMarkerItem(SqlNode n) {
        return isMarker(n) || (n instanceof SqlBasicCall c && (c.getKind() == SqlKind.DESCENDING || c.getKind() == SqlKind.NULLS_FIRST
                || c.getKind() == SqlKind.NULLS_LAST) && isMarkerItem(c.operand(0)));
    }

    private static SqlNodeList groupItems(SqlSelect select) {
        SqlNodeList keys = new SqlNodeList(select.getGroup().getParserPosition());
        for (SqlNode item : items(select, "GROUP BY ALL")) {
            SqlNode e = item.getKind() == SqlKind.AS ? ((SqlCall) item).operand(0) : item;
            if (!hasAggregate(e) && !(e instanceof SqlLiteral)) {
                keys.add(e);
            }
        }
        return keys;
    }

    /** Every select item by position, with the marker's direction and NULLS placement. */
    private static SqlNodeList orderItems(SqlNodeList order, SqlSelect select) {
        if (order.size() != 1 || !isMarkerItem(order.get(0))) {
            return order;
        }
        SqlNodeList out = new SqlNodeList(order.getParserPosition());
        int n = items(select, "ORDER BY ALL").size();
        for (int i = 1; i <= n; i++) {
            SqlNode key = SqlLiteral.createExactNumeric(String.valueOf(i), SqlParserPos.ZERO);
            out.add(wrapLike(order.get(0), key));
        }
        return out;
    }

    /** {@code key} under the same DESC / NULLS FIRST / NULLS LAST calls as {@code marker}. */
    private static SqlNode wrapLike(SqlNode marker, SqlNode key) {
        if (marker instanceof SqlBasicCall c) {
            SqlNode inner = wrapLike(c.operand(0), key);
            return c.getOperator().createCall(c.getParserPosition(), inner);
        }
        return key;
    }

    private static SqlNodeList items(SqlSelect select, String what) {
        for (SqlNode item : select.getSelectList()) {
            if (item instanceof SqlIdentifier id && id.isStar()) {
                throw new SqlException("not supported: " + what + " with SELECT * (name the columns)");
            }
        }
        return select.getSelectList();
    }

    private static boolean hasAggregate(SqlNode e) {
        boolean[] found = {false};
        e.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                if (call.getKind() == SqlKind.OVER || call.getKind() == SqlKind.FILTER || call.getKind() == SqlKind.WITHIN_GROUP
                        || call.getOperator().isAggregator()
                        || AGGREGATES.contains(call.getOperator().getName().toLowerCase(Locale.ROOT))) {
                    found[0] = true;
                    return null;
                }
                return super.visit(call);
            }
        });
        return found[0];
    }
}
