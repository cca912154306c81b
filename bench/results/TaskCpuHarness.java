/*
 * Per-run CPU of every JVM thread kind over a TPC-H query loop (issue 6, session 10): the caller
 * ("java"), pool workers ("blueshift-worke"), C1/C2 compiler threads, GC and VM threads, read from
 * /proc/self/task/<tid>/stat (Linux). Run from the repository root after a build:
 *   java -XX:+UseParallelGC -Xmx12g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -Dthreads=2 -Dwarm=5 -Druns=5 -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" \
 *       bench/results/TaskCpuHarness.java 1,2,6
 * Each query: warm runs untimed, then runs timed; prints wall and CPU per run by thread kind.
 * The end of the data load and each timed window's start and end are printed as epoch milliseconds
 * ("=== LOADED", "=== TIMED Qn start", "=== END Qn"), to cut a JFR recording (jdk.Compilation,
 * jdk.Deoptimization) into load, warm-ups and timed runs (session 12). At the end, "=== TOTAL ms since
 * load" gives each thread kind's CPU from the end of the load on (session 13).
 */
import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.nio.file.*;
import java.util.*;

public class TaskCpuHarness {
    static Map<String, Long> tasks() throws Exception {
        Map<String, Long> m = new TreeMap<>();
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path p : ds) {
                String st;
                try {
                    st = Files.readString(p.resolve("stat"));
                } catch (java.io.IOException gone) {
                    continue; // a thread that ended while the list was read (the JIT stops idle compiler threads)
                }
                int l = st.indexOf('('), r = st.lastIndexOf(')');
                String name = st.substring(l + 1, r).replaceAll("[0-9]+$", "#");
                String[] f = st.substring(r + 2).split(" ");
                long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                m.merge(name, t, Long::sum);
            }
        }
        return m;
    }
    public static void main(String[] a) throws Exception {
        double sf = Double.parseDouble(System.getProperty("sf", "1"));
        int runs = Integer.getInteger("runs", 30), warm = Integer.getInteger("warm", 15);
        int threads = Integer.getInteger("threads", 1);
        Session s = Blueshift.open(Options.defaults().withThreads(threads));
        s.loadTpch(sf, null);
        System.out.println("=== LOADED " + System.currentTimeMillis());
        Map<String, Long> atLoad = tasks();
        for (String qs : a[0].split(",")) {
            int q = Integer.parseInt(qs);
            String sql = TpchQueries.sql(q);
            for (int w = 0; w < warm; w++) s.sql(sql).close();
            System.out.println("=== TIMED Q" + q + " start " + System.currentTimeMillis()); Map<String, Long> before = tasks();
            long t0 = System.nanoTime();
            for (int i = 0; i < runs; i++) s.sql(sql).close();
            double wall = (System.nanoTime() - t0) / 1e6 / runs;
            Map<String, Long> after = tasks();
            System.out.println("=== END Q" + q + " " + System.currentTimeMillis());
            StringBuilder sb = new StringBuilder();
            long total = 0;
            for (var e : after.entrySet()) {
                long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
                total += d;
                if (d > 0) sb.append(String.format(Locale.ROOT, " %s=%.1f", e.getKey(), d * 10.0 / runs));
            }
            System.out.printf(Locale.ROOT, "Q%02d %dt wall %.1f ms/run, cpu %.1f ms/run:%s%n", q, threads, wall, total * 10.0 / runs, sb);
        }
        // each thread kind's CPU from the end of the load to the end (warm-ups included): the
        // compiler threads' share does not depend on the machine's load, unlike JFR compile times
        Map<String, Long> end = tasks();
        StringBuilder tot = new StringBuilder();
        for (var e : end.entrySet()) {
            long d = e.getValue() - atLoad.getOrDefault(e.getKey(), 0L);
            if (d > 0) tot.append(String.format(Locale.ROOT, " %s=%d", e.getKey(), d * 10));
        }
        System.out.println("=== TOTAL ms since load:" + tot);
    }
}
