/*
 * Warm-up and JIT share per pass over the TPC-H queries (bench/RESULTS.md, "Session 6: JIT, AOT cache
 * and JVM flags"). Run from the repository root after a build, with the launcher's flags and cache:
 *   javac -d /tmp/jph -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" bench/results/JitPassHarness.java
 *   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
 *       --sun-misc-unsafe-memory-access=allow -XX:+UseParallelGC -Xmx6g -XX:AOTCache=cli/target/blueshift.aot -Dpasses=5 \
 *       -cp "cli/target/blueshift-cli.jar:cli/target/lib/*:/tmp/jph" JitPassHarness
 * Loads SF 1 (-Dsf), then each pass plans and runs every query (-Dqueries) at each thread count
 * (-Dthreads=1,2) once and prints per thread count the wall and process CPU ms summed over the
 * queries, then the pass's CPU of the compiler threads ("jit"), the GC threads and the rest
 * (/proc/self/task, 10 ms ticks).
 */
import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.util.*;

public class JitPassHarness {
    public static void main(String[] a) throws Exception {
        double sf = Double.parseDouble(System.getProperty("sf", "1"));
        int passes = Integer.getInteger("passes", 8);
        int[] threads = Arrays.stream(System.getProperty("threads", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        List<Integer> qs = new ArrayList<>();
        for (String s : System.getProperty("queries", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22").split(",")) qs.add(Integer.parseInt(s));
        long l0 = System.nanoTime(), lc0 = ProcessCpuClock.nanos();
        Session s = Blueshift.open(Options.defaults().withThreads(2));
        s.loadTpch(sf, null);
        Map<String, Long> k0 = tasks();
        System.out.printf(Locale.ROOT, "load wall %.0f ms cpu %.0f ms %s%n", (System.nanoTime() - l0) / 1e6, (ProcessCpuClock.nanos() - lc0) / 1e6, groups(k0, new HashMap<>()));
        for (int p = 1; p <= passes; p++) {
            StringBuilder sb = new StringBuilder(String.format("pass %d (start uptime %d):", p, java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()));
            Map<String, Long> b = tasks();
            double[] w = new double[threads.length], c = new double[threads.length];
            for (int q : qs) {
                String sql = TpchQueries.sql(q);
                for (int i = 0; i < threads.length; i++) {
                    s.setThreads(threads[i]);
                    long t0 = System.nanoTime(), c0 = ProcessCpuClock.nanos();
                    try (var r = s.execute(s.plan(sql))) { r.rows(); }
                    w[i] += (System.nanoTime() - t0) / 1e6; c[i] += (ProcessCpuClock.nanos() - c0) / 1e6;
                }
            }
            for (int i = 0; i < threads.length; i++) sb.append(String.format(Locale.ROOT, " %dt wall %.0f cpu %.0f |", threads[i], w[i], c[i]));
            sb.append(groups(tasks(), b));
            System.out.println(sb);
        }
        s.close();
    }
    static String groups(Map<String, Long> now, Map<String, Long> before) {
        long jit = 0, gc = 0, other = 0;
        for (var e : now.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            String n = e.getKey();
            if (n.contains("Compiler")) jit += d; else if (n.startsWith("GC") || n.contains("GC")) gc += d; else other += d;
        }
        return String.format(" jit %d ms gc %d ms rest %d ms", jit * 10, gc * 10, other * 10);
    }
    static Map<String, Long> tasks() {
        Map<String, Long> m = new HashMap<>();
        java.io.File[] ts = new java.io.File("/proc/self/task").listFiles();
        if (ts == null) return m;
        for (java.io.File t : ts) {
            try {
                String st = java.nio.file.Files.readString(t.toPath().resolve("stat"));
                int a = st.indexOf('('), b = st.lastIndexOf(')');
                String name = st.substring(a + 1, b) + "#" + t.getName();
                String[] f = st.substring(b + 2).split(" ");
                m.put(name, Long.parseLong(f[11]) + Long.parseLong(f[12]));
            } catch (Exception e) { }
        }
        return m;
    }
}
