package io.blueshift.sql;

import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;

import java.util.List;

/**
 * A view in one query's schema: its SQL is validated against the current tables each time the
 * view is used (so a view over a dropped table gives a clear error naming both) and expanded
 * into the query's plan, where the optimizer treats it like any subquery.
 */
final class ViewTable extends AbstractTable implements TranslatableTable {
    private static final ThreadLocal<Integer> DEPTH = ThreadLocal.withInitial(() -> 0);
    private static final int MAX_DEPTH = 32;

    private final String name;
    private final String body;
    private final SqlFrontEnd front;
    private final java.util.function.UnaryOperator<String> prepare;
    private String sql;
    private RelDataType rowType;

    /**
     * {@code prepare} turns the view's text into SQL for Calcite, its file references made
     * tables of the query's schema (done on first use, so unused views read no file).
     */
    ViewTable(String name, String body, SqlFrontEnd front, java.util.function.UnaryOperator<String> prepare) {
        this.name = name;
        this.body = body;
        this.front = front;
        this.prepare = prepare;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        if (rowType == null) {
            int depth = DEPTH.get();
            if (depth >= MAX_DEPTH) {
                throw new SqlException("view " + name + " refers to itself (through views nested more than " + MAX_DEPTH + " deep)");
            }
            DEPTH.set(depth + 1);
            try {
                sql = prepare.apply(body);
                rowType = front.validatedType(sql);
            } catch (SqlException e) {
                throw new SqlException("view " + name + ": " + e.getMessage(), 0, 0, e);
            } catch (Exception e) {
                throw new SqlException("view " + name + " cannot be used: " + SqlPlanner.describe(e)
                        + " (a table or view it reads was dropped or changed; recreate the view)", 0, 0, e);
            } finally {
                DEPTH.set(depth);
            }
        }
        return typeFactory.copyType(rowType);
    }

    @Override
    public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable table) {
        RelDataType expected = table.getRowType();
        RelRoot expanded;
        try {
            expanded = context.expandView(expected, sql, List.of(), List.of(name));
        } catch (SqlException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SqlException("view " + name + " cannot be used: " + SqlPlanner.describe(e), 0, 0, e);
        }
        RelNode rel = expanded.project();
        if (!RelOptUtil.areRowTypesEqual(rel.getRowType(), expected, false)) {
            rel = RelOptUtil.createCastRel(rel, expected, true);
        }
        return rel;
    }
}
