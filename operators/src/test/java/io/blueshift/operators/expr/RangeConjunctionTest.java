package io.blueshift.operators.expr;

import io.blueshift.kernels.CompareOp;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.memory.Batch;
import io.blueshift.memory.DataType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ANDs of constant ranges on several columns (run as one bitmap pass per column over a dense
 * batch) select what the terms mean one by one: nulls, DECIMAL literals of another scale, bounds
 * outside INT32, NULL literals, contradictory ranges, and a term that is not a range.
 */
class RangeConjunctionTest extends ExprTestBase {
    static List<KernelProvider> kernels() {
        return providers();
    }

    private static final DataType DEC = new DataType.DecimalType(15, 2);
    private static final DataType[] TYPES = {DataType.INT32, DEC, DataType.INT64};

    /** One conjunct: column {@code c} OP value (unscaled at {@code scale}), or BETWEEN value and high. */
    private record Term(int c, CompareOp op, Long value, long high, int scale, boolean between, boolean flipped) {
        Expr expr() {
            DataType litType = scale == 0 ? DataType.INT64 : new DataType.DecimalType(18, scale);
            Expr col = col(c, TYPES[c]);
            Expr lit = new Expr.Literal(value, litType);
            if (between) {
                return new Expr.Between(col, lit, new Expr.Literal(high, litType));
            }
            return flipped ? new Expr.Comparison(op.flip(), lit, col) : new Expr.Comparison(op, col, lit);
        }

        boolean test(BigDecimal v) {
            if (v == null || value == null) {
                return false;
            }
            BigDecimal x = BigDecimal.valueOf(value, scale);
            if (between) {
                return v.compareTo(x) >= 0 && v.compareTo(BigDecimal.valueOf(high, scale)) <= 0;
            }
            return op.test(v.compareTo(x));
        }
    }

    @ParameterizedTest
    @MethodSource("kernels")
    void randomConjunctionsMatchTheirTerms(KernelProvider k) {
        Random r = new Random(7);
        ExpressionEvaluator ev = evaluator(k);
        for (int round = 0; round < 60; round++) {
            int n = new int[] {1, 63, 64, 65, 200, 1000, 4099}[round % 7];
            Object[][] cols = new Object[3][n];
            for (int i = 0; i < n; i++) {
                cols[0][i] = r.nextInt(10) == 0 ? null : (Object) (r.nextInt(20) - 10);
                cols[1][i] = r.nextInt(10) == 0 ? null : BigDecimal.valueOf(r.nextInt(2000) - 1000, 2);
                cols[2][i] = r.nextInt(10) == 0 ? null : (Object) (r.nextBoolean() ? r.nextLong() : r.nextInt(20) - 10);
            }
            Batch b = batch(column(TYPES[0], cols[0]), column(TYPES[1], cols[1]), column(TYPES[2], cols[2]));
            List<Term> terms = new ArrayList<>();
            int m = 2 + r.nextInt(4);
            for (int t = 0; t < m; t++) {
                int c = r.nextInt(3);
                CompareOp op = CompareOp.values()[r.nextInt(CompareOp.values().length)];
                if (op == CompareOp.NE && r.nextBoolean()) {
                    op = CompareOp.LT;
                }
                int scale = c == 1 ? r.nextInt(4) : (r.nextInt(5) == 0 ? 1 : 0);
                long v = switch (r.nextInt(6)) {
                    case 0 -> Integer.MAX_VALUE + 5L;
                    case 1 -> Integer.MIN_VALUE - 5L;
                    case 2 -> Long.MIN_VALUE;
                    default -> (long) (r.nextInt(24) - 12) * (scale == 3 ? 7 : 1);
                };
                Long value = r.nextInt(25) == 0 ? null : v;
                boolean between = r.nextInt(3) == 0 && value != null;
                long high = between ? v + r.nextInt(15) - 2 : 0;
                terms.add(new Term(c, op, value, high, scale, between, r.nextBoolean()));
            }
            List<Expr> exprs = new ArrayList<>();
            for (Term t : terms) {
                exprs.add(t.expr());
            }
            List<Integer> want = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                boolean pass = true;
                for (Term t : terms) {
                    Object x = cols[t.c()][i];
                    BigDecimal v = x == null ? null : x instanceof BigDecimal d ? d : BigDecimal.valueOf(((Number) x).longValue());
                    pass &= t.test(v);
                }
                if (pass) {
                    want.add(i);
                }
            }
            assertEquals(want, selected(ev, new Expr.And(exprs), b), "round " + round + ": " + terms);
        }
    }
}
