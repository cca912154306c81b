/*
 * Per pipeline and per worker, the morsels, busy time and thread CPU of EXPLAIN ANALYZE, averaged
 * over runs (issue 6, session 14): per query and per thread count of -Dths (default 1,2), -Dwarm
 * plain runs, then -Druns EXPLAIN ANALYZE runs; prints each pipeline's wall, its sink's finish
 * (on the caller, after the workers: wall and CPU) and each worker's share, with when it started after the
 * hand-off ("from": a pool thread's wake-up) and how long it then idled until the last worker ended
 * ("idle"); the last line sums the CPU critical path (per pipeline the busiest worker's CPU plus the
 * finish's CPU: the execution time with a free core per thread). A worker whose CPU is well under the
 * other's, or a finish as long as the pipeline, is where the second thread idles (session 15: start and idle). -Dshow=true
 * prints the last run's full EXPLAIN ANALYZE. Loads TPC-H as the bench does (Session.loadTpch, so
 * small tables are cut into morsels; `blueshift sql --tpch` attaches them on demand and does not).
 * Run from the repository root after a build:
 *   java -XX:+UseParallelGC -Xmx3g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -Dths=1,2 -Dwarm=10 -Druns=5 -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" \
 *       bench/results/PipelineCpuHarness.java 7,13,16
 */
import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.util.*;
import java.util.regex.*;

public class PipelineCpuHarness {
    public static void main(String[] a) throws Exception {
        int runs = Integer.getInteger("runs", 5), warm = Integer.getInteger("warm", 5);
        int[] counts = Arrays.stream(System.getProperty("ths", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        Session s = Blueshift.open(Options.defaults().withThreads(counts[0]));
        s.loadTpch(Double.parseDouble(System.getProperty("sf", "1")), null);
        for (String qs : a[0].split(",")) {
            int q = Integer.parseInt(qs);
            String sql = TpchQueries.sql(q);
            for (int threads : counts) {
                s.setThreads(threads);
                for (int w = 0; w < warm; w++) s.sql(sql).close();
                report(s, sql, q, threads, warm, runs);
            }
        }
    }

    static final Pattern PIPELINE = Pattern.compile("^\\s*(\\d+)\\. (.*?): ([0-9.]+) ms \\(finish ([0-9.]+) ms(?:, cpu ([0-9.]+))?\\);(.*)$");
    static final Pattern WORKER = Pattern.compile("w(\\d+) (\\d+) morsels ([0-9.]+) ms \\(cpu ([0-9.]+)\\)(?: from ([0-9.]+))?");
    static final Pattern TOTAL = Pattern.compile("rows in ([0-9.]+) ms");
    static final int W = 5; // per worker: busy, cpu, morsels, start (from the hand-off), idle at the end

    /** Runs EXPLAIN ANALYZE {@code runs} times and prints the mean per pipeline and worker. */
    static void report(Session s, String sql, int q, int threads, int warm, int runs) {
        Map<Integer, double[]> sum = new TreeMap<>(); // wall, finish, finish cpu, then per worker W values
        Map<Integer, String> names = new TreeMap<>();
        double total = 0;
        String last = null;
        for (int r = 0; r < runs; r++) {
            last = s.explainAnalyze(sql);
            for (String line : last.split("\n")) {
                Matcher m = PIPELINE.matcher(line);
                if (m.matches()) {
                    int i = Integer.parseInt(m.group(1));
                    names.put(i, m.group(2));
                    double[] v = sum.computeIfAbsent(i, k -> new double[3 + W * threads]);
                    v[0] += Double.parseDouble(m.group(3));
                    v[1] += Double.parseDouble(m.group(4));
                    v[2] += m.group(5) == null ? 0 : Double.parseDouble(m.group(5));
                    Matcher w = WORKER.matcher(m.group(6));
                    double[] end = new double[threads];
                    double maxEnd = 0;
                    while (w.find()) {
                        int x = Integer.parseInt(w.group(1));
                        double busy = Double.parseDouble(w.group(3)), from = w.group(5) == null ? 0 : Double.parseDouble(w.group(5));
                        v[3 + W * x] += busy;
                        v[4 + W * x] += Double.parseDouble(w.group(4));
                        v[5 + W * x] += Double.parseDouble(w.group(2));
                        v[6 + W * x] += from;
                        end[x] = from + busy;
                        maxEnd = Math.max(maxEnd, end[x]);
                    }
                    for (int x = 0; x < threads; x++) {
                        v[7 + W * x] += end[x] > 0 ? maxEnd - end[x] : 0;
                    }
                }
                Matcher t = TOTAL.matcher(line);
                if (t.find()) total += Double.parseDouble(t.group(1));
            }
        }
        if (Boolean.getBoolean("show")) System.out.println(last);
        System.out.printf(Locale.ROOT, "Q%02d %dt warm=%d: query %.1f ms (mean of %d)%n", q, threads, warm, total / runs, runs);
        double wallSum = 0, cpuSum = 0, finCpuSum = 0, pathSum = 0;
        for (var e : sum.entrySet()) {
            double[] v = e.getValue();
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %2d %-40.40s wall %6.1f fin %5.1f (cpu %4.1f) |",
                    e.getKey(), names.get(e.getKey()), v[0] / runs, v[1] / runs, v[2] / runs));
            double maxCpu = 0;
            for (int x = 0; x < threads; x++) {
                sb.append(String.format(Locale.ROOT, " w%d m%.0f busy %.1f cpu %.1f from %.2f idle %.2f", x, v[5 + W * x] / runs,
                        v[3 + W * x] / runs, v[4 + W * x] / runs, v[6 + W * x] / runs, v[7 + W * x] / runs));
                cpuSum += v[4 + W * x] / runs;
                maxCpu = Math.max(maxCpu, v[4 + W * x] / runs);
            }
            wallSum += v[0] / runs;
            finCpuSum += v[2] / runs;
            pathSum += maxCpu + v[2] / runs;
            System.out.println(sb);
        }
        // the CPU critical path: per pipeline the busiest worker's CPU plus the finish's (the caller's alone)
        System.out.printf(Locale.ROOT, "  sum of pipeline walls %.1f, worker cpu %.1f, finish cpu %.1f, cpu critical path %.1f%n",
                wallSum, cpuSum, finCpuSum, pathSum);
    }
}
