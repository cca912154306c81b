/*
 * Thread counts one after another in ONE JVM, in the order the TPC-H bench runs them (issue 6,
 * session 13): per query, for each count of -Dths (default 1,2) the session's threads are set,
 * -Dwarm untimed runs, then -Druns timed runs. Prints per count the median wall, the execution
 * CPU per run (caller "java" + pool workers), the caller's alone, the C1+C2 compiler CPU, and
 * from /proc/self/task/<tid>/schedstat the caller's and the workers' run time and run-queue wait
 * per run (time runnable but not running: CPU contention). -Dmarks=true prints each phase's
 * start as epoch ms ("=== PHASE Qn Kt ms") to cut a JFR recording (jdk.Compilation) by phase.
 * Run from the repository root after a build:
 *   java -XX:+UseParallelGC -Xmx8g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -Dths=1,2 -Dwarm=5 -Druns=5 -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" \
 *       bench/results/SweepCpuHarness.java 3,5,20
 */
import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.nio.file.*;
import java.util.*;

public class SweepCpuHarness {
    /** CPU ticks by thread kind: java (caller), wk (pool workers), C1, C2, oth. */
    static Map<String, Long> cpu() throws Exception {
        Map<String, Long> m = new TreeMap<>();
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path p : ds) {
                String st;
                try {
                    st = Files.readString(p.resolve("stat"));
                } catch (java.io.IOException gone) {
                    continue;
                }
                int l = st.indexOf('('), r = st.lastIndexOf(')');
                String name = st.substring(l + 1, r);
                String kind = name.startsWith("C1") || name.startsWith("C2") ? name.substring(0, 2)
                        : name.startsWith("blueshift") ? "wk" : name.equals("java") ? "java" : "oth";
                String[] f = st.substring(r + 2).split(" ");
                m.merge(kind, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
            }
        }
        return m;
    }

    /** Run and run-queue-wait nanoseconds of the threads whose name starts with {@code prefix}. */
    static long[] sched(String prefix) throws Exception {
        long[] r = new long[2];
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path p : ds) {
                try {
                    String st = Files.readString(p.resolve("stat"));
                    if (!st.substring(st.indexOf('(') + 1, st.lastIndexOf(')')).startsWith(prefix)) {
                        continue;
                    }
                    String[] f = Files.readString(p.resolve("schedstat")).trim().split(" ");
                    r[0] += Long.parseLong(f[0]);
                    r[1] += Long.parseLong(f[1]);
                } catch (java.io.IOException gone) {
                    // a thread that ended while the list was read
                }
            }
        }
        return r;
    }

    static double perRun(Map<String, Long> after, Map<String, Long> before, String kind, int runs) {
        return (after.getOrDefault(kind, 0L) - before.getOrDefault(kind, 0L)) * 10.0 / runs;
    }

    public static void main(String[] a) throws Exception {
        double sf = Double.parseDouble(System.getProperty("sf", "1"));
        int runs = Integer.getInteger("runs", 5), warm = Integer.getInteger("warm", 5);
        int[] counts = Arrays.stream(System.getProperty("ths", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        Session s = Blueshift.open(Options.defaults().withThreads(counts[0]));
        s.loadTpch(sf, null);
        for (String qs : a[0].split(",")) {
            int q = Integer.parseInt(qs);
            String sql = TpchQueries.sql(q);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "Q%02d", q));
            for (int t : counts) {
                s.setThreads(t);
                if (Boolean.getBoolean("marks")) {
                    System.out.println("=== PHASE Q" + q + " " + t + "t " + System.currentTimeMillis());
                }
                for (int w = 0; w < warm; w++) s.sql(sql).close();
                Map<String, Long> before = cpu();
                long[] cb = sched("java"), wb = sched("blueshift");
                long[] walls = new long[runs];
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    s.sql(sql).close();
                    walls[i] = System.nanoTime() - t0;
                }
                Map<String, Long> after = cpu();
                long[] ca = sched("java"), wa = sched("blueshift");
                Arrays.sort(walls);
                double caller = perRun(after, before, "java", runs);
                double exec = caller + perRun(after, before, "wk", runs);
                double comp = perRun(after, before, "C1", runs) + perRun(after, before, "C2", runs);
                line.append(String.format(Locale.ROOT,
                        " | %dt wall %.1f exec %.1f (caller %.1f) comp %.1f; caller run %.1f rq %.1f, workers run %.1f rq %.1f",
                        t, walls[runs / 2] / 1e6, exec, caller, comp, (ca[0] - cb[0]) / 1e6 / runs, (ca[1] - cb[1]) / 1e6 / runs,
                        (wa[0] - wb[0]) / 1e6 / runs, (wa[1] - wb[1]) / 1e6 / runs));
            }
            System.out.println(line);
        }
    }
}
