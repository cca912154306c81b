package io.blueshift.sql;


import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.Sarg;

/**
 * Row-count estimates for choosing hash-join build sides, from our table statistics: scans
 * use the table's rows, filters Calcite's selectivity, GROUP BY the product of the keys'
 * distinct counts (capped by the input), and equi-joins {@code |A| * |B| / max(ndv)} per
 * key pair. Calcite's own estimates guess aggregates and joins too coarsely for this.
 */
final class RowEstimator {
    private final RelMetadataQuery mq;

    RowEstimator(RelMetadataQuery mq) {
        this.mq = mq;
    }

    double rows(RelNode rel) {
        return switch (rel) {
            case TableScan s -> Math.max(1, s.getTable().getRowCount());
            case Filter f -> {
                double in = rows(f.getInput());
                yield Math.max(1, in * selectivity(f.getInput(), f.getCondition(), in));
            }
            case Project p -> rows(p.getInput());
            case Aggregate a -> {
                double in = rows(a.getInput());
                if (a.getGroupSet().isEmpty()) {
                    yield 1;
                }
                double groups = 1;
                for (int k : a.getGroupSet()) {
                    groups *= ndv(a.getInput(), k, in);
                }
                yield Math.max(1, Math.min(in, groups));
            }
            case Join j -> {
                double l = rows(j.getLeft());
                double r = rows(j.getRight());
                JoinInfo info = j.analyzeCondition();
                double divisor = 1;   // composite keys: only the most selective divides
                for (int i = 0; i < info.leftKeys.size(); i++) {
                    divisor = Math.max(divisor, Math.max(ndv(j.getLeft(), info.leftKeys.get(i), l), ndv(j.getRight(), info.rightKeys.get(i), r)));
                }
                double est = l * r / divisor;
                yield switch (j.getJoinType()) {
                    case SEMI, ANTI -> l;
                    case LEFT -> Math.max(l, est);
                    default -> Math.max(1, est);
                };
            }
            case Sort s when s.fetch != null -> Math.min(rows(s.getInput()), RexLiteral.intValue(s.fetch));
            default -> {
                Double r = mq.getRowCount(rel);
                yield r == null ? 1e6 : Math.max(1, r);
            }
        };
    }

    /**
     * The share of {@code input}'s rows that pass {@code condition}: the product over its
     * conjuncts; {@code column = constant} is one over the column's distinct values (the
     * table's statistics), an IN list or OR of such terms the sum, NOT the complement, LIKE a
     * tenth; other terms Calcite's guess.
     */
    double selectivity(RelNode input, RexNode condition, double rows) {
        double sel = 1;
        for (RexNode term : RelOptUtil.conjunctions(condition)) {
            sel *= term(input, term, rows);
        }
        return Math.clamp(sel, 0, 1);
    }

    private double term(RelNode input, RexNode term, double rows) {
        if (term instanceof RexCall call) {
            switch (call.getKind()) {
                case EQUALS -> {
                    int col = constantComparison(call);
                    double ndv = col < 0 ? Double.NaN : knownNdv(input, col, rows);
                    if (!Double.isNaN(ndv)) {
                        return 1 / Math.max(1, ndv);
                    }
                }
                case SEARCH -> {
                    if (call.getOperands().get(0) instanceof RexInputRef ref && call.getOperands().get(1) instanceof RexLiteral lit
                            && lit.getValueAs(Sarg.class) instanceof Sarg<?> sarg && sarg.isPoints()) {
                        double ndv = knownNdv(input, ref.getIndex(), rows);
                        if (!Double.isNaN(ndv)) {
                            return Math.min(1, sarg.pointCount / Math.max(1, ndv));
                        }
                    }
                }
                case OR -> {
                    double sum = 0;
                    for (RexNode d : RelOptUtil.disjunctions(term)) {
                        sum += selectivity(input, d, rows);
                    }
                    return Math.min(1, sum);
                }
                case NOT -> {
                    return 1 - term(input, call.getOperands().get(0), rows);
                }
                case LIKE -> {
                    return 0.1;
                }
                default -> { }
            }
        }
        Double sel = mq.getSelectivity(input, term);
        return sel == null ? 0.25 : sel;
    }

    /** The input column compared with a constant by {@code call} (either side), or -1. */
    private static int constantComparison(RexCall call) {
        RexNode a = stripCast(call.getOperands().get(0));
        RexNode b = stripCast(call.getOperands().get(1));
        if (a instanceof RexInputRef r && b instanceof RexLiteral) {
            return r.getIndex();
        }
        if (b instanceof RexInputRef r && a instanceof RexLiteral) {
            return r.getIndex();
        }
        return -1;
    }

    private static RexNode stripCast(RexNode e) {
        return e instanceof RexCall c && c.getKind() == SqlKind.CAST ? c.getOperands().get(0) : e;
    }

    /** Distinct values of a table column {@code col} of {@code rel} comes from unchanged, at most {@code rows}; NaN if unknown. */
    private double knownNdv(RelNode rel, int col, double rows) {
        RelColumnOrigin origin = mq.getColumnOrigin(rel, col);
        if (origin != null && !origin.isDerived()) {
            CalciteCatalog.CalciteTable t = origin.getOriginTable().unwrap(CalciteCatalog.CalciteTable.class);
            if (t != null) {
                return Math.min(rows, t.table.distinctValues(origin.getOriginColumnOrdinal()));
            }
        }
        return Double.NaN;
    }

    /** Distinct values of column {@code col} of {@code rel}, at most {@code rows}. */
    double ndv(RelNode rel, int col, double rows) {
        RelColumnOrigin origin = mq.getColumnOrigin(rel, col);
        if (origin != null && !origin.isDerived()) {
            CalciteCatalog.CalciteTable t = origin.getOriginTable().unwrap(CalciteCatalog.CalciteTable.class);
            if (t != null) {
                return Math.min(rows, t.table.distinctValues(origin.getOriginColumnOrdinal()));
            }
        }
        return rows;
    }

}
