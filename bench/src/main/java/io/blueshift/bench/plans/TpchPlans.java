package io.blueshift.bench.plans;

import io.blueshift.operators.plan.Exprs;
import io.blueshift.operators.plan.PlanBuilder;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.storage.Catalog;

import java.time.LocalDate;
import java.util.List;

/**
 * TPC-H queries built by hand with the plan builder, with the specification's validation
 * parameters. Constant date arithmetic ({@code date '1998-12-01' - interval '90' day}) is
 * folded here as a planner would.
 */
public final class TpchPlans {
    public static final List<Integer> AVAILABLE = List.of(1, 6);

    private TpchPlans() {}

    public static PlanNode plan(int query, Catalog catalog) {
        return switch (query) {
            case 1 -> q1(catalog);
            case 6 -> q6(catalog);
            default -> throw new IllegalArgumentException("TPC-H query " + query + " has no hand-built plan; available: " + AVAILABLE);
        };
    }

    public static PlanNode q1(Catalog catalog) {
        return PlanBuilder.scan(catalog.table("lineitem"),
                        "l_returnflag", "l_linestatus", "l_quantity", "l_extendedprice", "l_discount", "l_tax", "l_shipdate")
                .filter(b -> b.le(b.col("l_shipdate"), Exprs.date(LocalDate.parse("1998-12-01").minusDays(90))))
                .project(List.of("l_returnflag", "l_linestatus", "l_quantity", "l_extendedprice", "disc_price", "charge", "l_discount"),
                        List.of(b -> b.col("l_returnflag"),
                                b -> b.col("l_linestatus"),
                                b -> b.col("l_quantity"),
                                b -> b.col("l_extendedprice"),
                                b -> b.mul(b.col("l_extendedprice"), b.sub(Exprs.integer(1), b.col("l_discount"))),
                                b -> b.mul(b.mul(b.col("l_extendedprice"), b.sub(Exprs.integer(1), b.col("l_discount"))),
                                        b.add(Exprs.integer(1), b.col("l_tax"))),
                                b -> b.col("l_discount")))
                .aggregate(List.of("l_returnflag", "l_linestatus"), List.of(
                        b -> b.sum(b.col("l_quantity"), "sum_qty"),
                        b -> b.sum(b.col("l_extendedprice"), "sum_base_price"),
                        b -> b.sum(b.col("disc_price"), "sum_disc_price"),
                        b -> b.sum(b.col("charge"), "sum_charge"),
                        b -> b.avg(b.col("l_quantity"), "avg_qty"),
                        b -> b.avg(b.col("l_extendedprice"), "avg_price"),
                        b -> b.avg(b.col("l_discount"), "avg_disc"),
                        b -> b.countStar("count_order")))
                .orderBy("l_returnflag", "l_linestatus")
                .build();
    }

    public static PlanNode q6(Catalog catalog) {
        LocalDate from = LocalDate.parse("1994-01-01");
        return PlanBuilder.scan(catalog.table("lineitem"), "l_shipdate", "l_discount", "l_quantity", "l_extendedprice")
                .filter(b -> b.and(
                        b.ge(b.col("l_shipdate"), Exprs.date(from)),
                        b.lt(b.col("l_shipdate"), Exprs.date(from.plusYears(1))),
                        b.between(b.col("l_discount"), Exprs.decimal("0.05"), Exprs.decimal("0.07")),
                        b.lt(b.col("l_quantity"), Exprs.integer(24))))
                .project(List.of("amount"), List.of(b -> b.mul(b.col("l_extendedprice"), b.col("l_discount"))))
                .aggregate(List.of(), List.of(b -> b.sum(b.col("amount"), "revenue")))
                .build();
    }
}
