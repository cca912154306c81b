package io.blueshift.operators.expr;

import io.blueshift.kernels.CompareOp;

/** Gives the planner the constant-rescaling rule the filter uses, so both agree. */
public final class PredicateEvaluatorAccess {
    private PredicateEvaluatorAccess() {}

    /** The bound as an exact unscaled comparison, or null when it is always/never true. */
    public static PredicateEvaluator.Bound bound(CompareOp op, Expr.Literal lit, int colScale, int litScale) {
        PredicateEvaluator.Bound b = PredicateEvaluator.integralBound(op, lit, colScale, litScale);
        return b.always() == null ? b : null;
    }
}
