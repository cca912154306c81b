package io.blueshift.sql;

import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.util.ImmutableBitSet;

import java.util.List;

/** Input columns referenced by expressions. */
final class RelOptUtilBits {
    private RelOptUtilBits() {}

    static ImmutableBitSet inputs(List<RexNode> exprs) {
        return RelOptUtil.InputFinder.bits(exprs, null);
    }
}
