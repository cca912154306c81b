package io.blueshift.cli;

import io.blueshift.bench.plans.TpchPlans;
import io.blueshift.bench.tpch.TpchQueries;

import java.util.List;

/** Argument checks shared by the TPC-H commands. */
final class TpchCli {
    private TpchCli() {}

    static List<Integer> checkQueries(List<Integer> queries, boolean handBuilt) {
        if (queries == null || queries.isEmpty()) {
            return handBuilt ? TpchPlans.AVAILABLE : TpchQueries.all();
        }
        for (int q : queries) {
            if (q < TpchQueries.FIRST || q > TpchQueries.LAST) {
                throw new IllegalArgumentException("unknown TPC-H query " + q + ": queries are numbered "
                        + TpchQueries.FIRST + ".." + TpchQueries.LAST);
            }
            if (handBuilt && !TpchPlans.AVAILABLE.contains(q)) {
                throw new IllegalArgumentException("TPC-H query " + q + " has no hand-built plan: those are "
                        + TpchPlans.AVAILABLE + " (drop --hand-built to run it through SQL)");
            }
        }
        return List.copyOf(queries);
    }

    static void checkScaleFactor(double sf) {
        if (!(sf > 0) || Double.isInfinite(sf)) {
            throw new IllegalArgumentException("scale factor must be a positive number, got " + sf(sf));
        }
    }

    static String sf(double sf) {
        return sf == Math.rint(sf) && !Double.isInfinite(sf) ? Long.toString((long) sf) : Double.toString(sf);
    }
}
