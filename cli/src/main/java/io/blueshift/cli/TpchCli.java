package io.blueshift.cli;

import io.blueshift.bench.plans.TpchPlans;
import io.blueshift.bench.tpch.TpchQueries;

import java.util.List;

/** Argument checks shared by the TPC-H commands. */
final class TpchCli {
    private TpchCli() {}

    static List<Integer> checkQueries(List<Integer> queries) {
        if (queries == null || queries.isEmpty()) {
            return TpchPlans.AVAILABLE;
        }
        for (int q : queries) {
            if (q < TpchQueries.FIRST || q > TpchQueries.LAST) {
                throw new IllegalArgumentException("unknown TPC-H query " + q + ": queries are numbered "
                        + TpchQueries.FIRST + ".." + TpchQueries.LAST);
            }
            if (!TpchPlans.AVAILABLE.contains(q)) {
                throw new IllegalArgumentException("TPC-H query " + q + " is not available yet: queries with plans are "
                        + TpchPlans.AVAILABLE + " (SQL for all 22 arrives with the SQL planner)");
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
