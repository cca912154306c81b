package io.blueshift.operators.expr;

import io.blueshift.memory.Batch;
import io.blueshift.memory.ColumnVector;
import io.blueshift.memory.DataType;
import io.blueshift.memory.DataType.DecimalType;

import java.lang.foreign.MemorySegment;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Numeric functions (SQRT, LN, POWER, SIGN, ...) and GREATEST/LEAST. The FLOAT64
 * ones follow {@link Math}: as in DuckDB, SQRT(-1) is NaN and LN(0) is -Infinity, not errors.
 */
final class MathFunctions {
    private final ExpressionEvaluator eval;

    MathFunctions(ExpressionEvaluator eval) {
        this.eval = eval;
    }

    ColumnVector evaluate(Expr.Call call, Batch batch) {
        return switch (call.function()) {
            case SQRT -> unary(call, batch, Math::sqrt);
            case CBRT -> unary(call, batch, Math::cbrt);
            case EXP -> unary(call, batch, Math::exp);
            case LN -> unary(call, batch, Math::log);
            case LOG10 -> unary(call, batch, Math::log10);
            case LOG2 -> unary(call, batch, x -> Math.log(x) / Math.log(2));
            case SIN -> unary(call, batch, Math::sin);
            case COS -> unary(call, batch, Math::cos);
            case TAN -> unary(call, batch, Math::tan);
            case ASIN -> unary(call, batch, Math::asin);
            case ACOS -> unary(call, batch, Math::acos);
            case ATAN -> unary(call, batch, Math::atan);
            case DEGREES -> unary(call, batch, Math::toDegrees);
            case RADIANS -> unary(call, batch, Math::toRadians);
            case POWER -> binary(call, batch, Math::pow);
            case ATAN2 -> binary(call, batch, Math::atan2);
            case LOG_BASE -> binary(call, batch, (b, x) -> Math.log(x) / Math.log(b));
            case SIGN -> sign(call, batch);
            case GREATEST, LEAST -> extreme(call, batch);
            default -> throw new IllegalArgumentException("not a numeric function: " + call.function());
        };
    }

    private ColumnVector unary(Expr.Call call, Batch batch, DoubleUnaryOperator f) {
        Functions.requireArgs(call, 1, 1);
        ColumnVector x = eval.evaluateAs(call.args().getFirst(), DataType.FLOAT64, batch);
        ColumnVector out = eval.newVector(DataType.FLOAT64, batch.rowCount(), x.validity());
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (!x.isNull(r)) {
                out.setDouble(r, f.applyAsDouble(x.getDouble(r)));
            }
        }
        return out;
    }

    private ColumnVector binary(Expr.Call call, Batch batch, DoubleBinaryOperator f) {
        Functions.requireArgs(call, 2, 2);
        ColumnVector a = eval.evaluateAs(call.args().get(0), DataType.FLOAT64, batch);
        ColumnVector b = eval.evaluateAs(call.args().get(1), DataType.FLOAT64, batch);
        int rows = batch.rowCount();
        ColumnVector out = eval.newVector(DataType.FLOAT64, rows, eval.mergeValidity(a.validity(), b.validity(), rows));
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (!a.isNull(r) && !b.isNull(r)) {
                out.setDouble(r, f.applyAsDouble(a.getDouble(r), b.getDouble(r)));
            }
        }
        return out;
    }

    private ColumnVector sign(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 1, 1);
        ColumnVector x = eval.evaluate(call.args().getFirst(), batch);
        ColumnVector out = eval.newVector(DataType.INT32, batch.rowCount(), x.validity());
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            if (x.isNull(r)) {
                continue;
            }
            out.setInt(r, switch (x.type()) {
                case DataType.Float64Type f -> {
                    double d = x.getDouble(r);
                    yield Double.isNaN(d) ? 0 : (int) Math.signum(d);
                }
                case DataType.Int32Type t -> Integer.signum(x.getInt(r));
                case DataType.Int64Type t -> Long.signum(x.getLong(r));
                case DecimalType t -> Long.signum(x.getLong(r));
                default -> throw new IllegalArgumentException("SIGN needs a number, got " + x.type().sqlName());
            });
        }
        return out;
    }

    /** GREATEST/LEAST over arguments cast to the call's type; NULLs are skipped. */
    private ColumnVector extreme(Expr.Call call, Batch batch) {
        Functions.requireArgs(call, 1, Integer.MAX_VALUE);
        DataType type = call.type();
        ColumnVector[] a = new ColumnVector[call.args().size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = eval.evaluateAs(call.args().get(i), type, batch);
        }
        boolean greatest = call.function() == Expr.Function.GREATEST;
        int rows = batch.rowCount();
        VectorAssembler out = new VectorAssembler(eval.scratch(), type, rows);
        for (int i = 0, n = batch.liveCount(); i < n; i++) {
            int r = batch.liveRow(i);
            ColumnVector best = null;
            for (ColumnVector v : a) {
                if (v.isNull(r)) {
                    continue;
                }
                if (best == null) {
                    best = v;
                } else {
                    int c = ColumnVector.compareValues(v, r, best, r);
                    if (greatest ? c > 0 : c < 0) {
                        best = v;
                    }
                }
            }
            if (best == null) {
                out.setNull(r);
            } else {
                out.copyRow(best, r);
            }
        }
        return out.finish();
    }
}
