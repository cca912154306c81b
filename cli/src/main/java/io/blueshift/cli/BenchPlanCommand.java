package io.blueshift.cli;

import io.blueshift.api.PlannedQuery;
import io.blueshift.bench.tpch.TpchQueries;
import io.blueshift.sql.PlanningTimes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;

/**
 * {@code blueshift bench plan}: the planning time of the TPC-H queries (SQL to our physical
 * plan, nothing run), per phase, median of the timed runs. Every run plans from the SQL text.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Time the planning of TPC-H queries (parse, validate, SQL to logical plan, rewrites, translation "
                + "to our plan; nothing runs): median ms per phase over --runs after --warmups, the fastest total, and the "
                + "median CPU time of the planning thread (steadier than wall time on a busy machine) and the median KiB it "
                + "allocated (steadier still: the same work allocates the same).")
final class BenchPlanCommand implements Callable<Integer> {
    @Option(names = "--sf", description = "Scale factor of the tables planned against (default: ${DEFAULT-VALUE}).")
    double scaleFactor = 0.01;

    @Option(names = "--queries", split = ",", description = "Query numbers (default: all).")
    List<Integer> queries;

    @Option(names = "--runs", description = "Timed plannings per query; the median is reported (default: ${DEFAULT-VALUE}).")
    int runs = 50;

    @Option(names = "--warmups", description = "Untimed plannings of every query first, all queries in turn (default: ${DEFAULT-VALUE}).")
    int warmups = 50;

    @Mixin
    EngineOptions engine = new EngineOptions();

    private static final List<String> PHASES = List.of("setup", "parse", "validate", "to_rel", "rewrite", "translate", "total");
    private static final List<ToLongFunction<PlanningTimes>> GETTERS = List.of(PlanningTimes::setupNanos, PlanningTimes::parseNanos,
            PlanningTimes::validateNanos, PlanningTimes::toRelNanos, PlanningTimes::rewriteNanos, PlanningTimes::translateNanos,
            PlanningTimes::totalNanos);

    @Override
    public Integer call() {
        List<Integer> qs = TpchCli.checkQueries(queries, false);
        TpchCli.checkScaleFactor(scaleFactor);
        if (runs < 1 || warmups < 0) {
            throw new IllegalArgumentException("--runs must be >= 1 and --warmups >= 0");
        }
        try (TpchEngine bs = new TpchEngine(scaleFactor, engine, System.err)) {
            for (int w = 0; w < warmups; w++) {
                for (int q : qs) {
                    bs.session().planTimed(TpchQueries.sql(q));
                }
            }
            System.out.printf("TPC-H planning against sf %s, median of %d runs after %d warm-up round(s), ms%n",
                    TpchCli.sf(scaleFactor), runs, warmups);
            StringBuilder head = new StringBuilder(String.format("%-7s", "query"));
            for (String p : PHASES) {
                head.append(String.format("  %9s", p));
            }
            head.append(String.format("  %9s  %9s  %9s", "min", "cpu", "alloc_kib"));
            System.out.println(head);
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            com.sun.management.ThreadMXBean alloc = (com.sun.management.ThreadMXBean) mx;
            double[][] medians = new double[PHASES.size() + 3][qs.size()];
            for (int i = 0; i < qs.size(); i++) {
                String sql = TpchQueries.sql(qs.get(i));
                List<PlanningTimes> times = new ArrayList<>();
                long[] cpu = new long[runs];
                long[] bytes = new long[runs];
                for (int r = 0; r < runs; r++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    long b0 = alloc.getCurrentThreadAllocatedBytes();
                    PlannedQuery planned = bs.session().planTimed(sql);
                    cpu[r] = mx.getCurrentThreadCpuTime() - c0;
                    bytes[r] = alloc.getCurrentThreadAllocatedBytes() - b0;
                    times.add(planned.times());
                }
                Arrays.sort(cpu);
                Arrays.sort(bytes);
                StringBuilder line = new StringBuilder(String.format("q%02d    ", qs.get(i)));
                for (int p = 0; p < PHASES.size(); p++) {
                    medians[p][i] = median(times, GETTERS.get(p));
                    line.append(String.format(Locale.ROOT, "  %9.2f", medians[p][i]));
                }
                medians[PHASES.size()][i] = times.stream().mapToLong(PlanningTimes::totalNanos).min().orElseThrow() / 1e6;
                medians[PHASES.size() + 1][i] = cpu[runs / 2] / 1e6;
                medians[PHASES.size() + 2][i] = bytes[runs / 2] / 1024.0;
                line.append(String.format(Locale.ROOT, "  %9.2f  %9.2f  %9.0f", medians[PHASES.size()][i], medians[PHASES.size() + 1][i],
                        medians[PHASES.size() + 2][i]));
                System.out.println(line);
            }
            StringBuilder sum = new StringBuilder(String.format("%-7s", "sum"));
            for (double[] m : medians) {
                sum.append(String.format(Locale.ROOT, "  %9.2f", Arrays.stream(m).sum()));
            }
            System.out.println(sum);
            return 0;
        }
    }

    private static double median(List<PlanningTimes> times, ToLongFunction<PlanningTimes> phase) {
        long[] v = times.stream().mapToLong(phase).sorted().toArray();
        return (v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0) / 1e6;
    }
}
