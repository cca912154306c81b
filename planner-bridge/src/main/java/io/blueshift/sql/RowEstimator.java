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
import org.apache.calcite.rex.RexLiteral;

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
                Double sel = mq.getSelectivity(f.getInput(), f.getCondition());
                yield Math.max(1, rows(f.getInput()) * (sel == null ? 0.25 : sel));
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
