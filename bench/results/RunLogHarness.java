/*
 * The bench's order (per query, per thread count of -Dths: -Dwarm plain runs then -Druns timed runs on
 * our engine, then, with -Dduck=true, the same on DuckDB) with one line per query and thread count:
 * each timed run's wall ms, then "cpu" per run as P/C/J/fF/gG/aA: process CPU ms, the calling thread's
 * CPU ms (at one thread: the query's own work), JIT compile ms, thousands of minor page faults, GC ms,
 * MiB all threads allocated on the Java heap. Written to find why a query ran 3-9x slow for all
 * runs of one thread count in some processes (session 18: page faults on freshly grown young
 * generation, f10 and more per run, while a kernel boxed a vector per iteration; -Dexplain=true prints
 * an EXPLAIN ANALYZE after each timed set). Queries as "1-22" or "4,21". Run from the repository root:
 *   java -XX:+UseParallelGC -Xmx12g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -Dduck=false -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" bench/results/RunLogHarness.java 1-22
 */
import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import io.blueshift.bench.duckdb.DuckDbReference;
import java.util.*;
import java.lang.management.ManagementFactory;

/** Mirrors TpchThreadSweep's order (per query: each thread count: ours warm+timed, duckdb warm+timed), printing each timed run. */
public class RunLogHarness {
    static final java.lang.management.ThreadMXBean TM = ManagementFactory.getThreadMXBean();
    static final java.lang.management.CompilationMXBean CM = ManagementFactory.getCompilationMXBean();
    static long pcpu() { return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime(); }
    static long minflt() { try { String st = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat")); String[] f = st.substring(st.lastIndexOf(')') + 2).split(" "); return Long.parseLong(f[7]); } catch (Exception e) { return -1; } }
    static long gcms() { long t = 0; for (var g : ManagementFactory.getGarbageCollectorMXBeans()) t += g.getCollectionTime(); return t; }
    /** Bytes allocated on the Java heap by all threads (the caller and the pool's workers). */
    static long alloc() { return ((com.sun.management.ThreadMXBean) TM).getTotalThreadAllocatedBytes(); }
    static long up() { return ManagementFactory.getRuntimeMXBean().getUptime(); }
    public static void main(String[] a) throws Exception {
        int warm = Integer.getInteger("warm", 5), runs = Integer.getInteger("runs", 5);
        boolean duck = Boolean.parseBoolean(System.getProperty("duck", "true"));
        boolean explain = Boolean.parseBoolean(System.getProperty("explain", "false"));
        int[] ths = Arrays.stream(System.getProperty("ths", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        Session s = Blueshift.open(Options.defaults().withThreads(ths[0]));
        s.loadTpch(1, null);
        DuckDbReference d = null;
        if (duck) { d = new DuckDbReference(); d.setThreads(ths[0]); d.load(s.catalog(), null); }
        List<Integer> qs = new ArrayList<>();
        for (String x : a[0].split(",")) {
            if (x.contains("-")) { String[] p = x.split("-"); for (int i = Integer.parseInt(p[0]); i <= Integer.parseInt(p[1]); i++) qs.add(i); }
            else qs.add(Integer.parseInt(x));
        }
        System.out.println("start " + up());
        long sumCpu = 0, sumFlt = 0, sumGc = 0, sumAlloc = 0;
        for (int q : qs) {
            String sql = TpchQueries.sql(q);
            for (int t : ths) {
                s.setThreads(t);
                for (int i = 0; i < warm; i++) { try (QueryResult r = s.execute(s.plan(sql))) { r.rows(); } }
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "q%02d %dt @%d:", q, t, up()));
                StringBuilder cpu = new StringBuilder(" | cpu");
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime(), c0 = pcpu(), m0 = TM.getCurrentThreadCpuTime(), j0 = CM.getTotalCompilationTime(), f0 = minflt(), g0 = gcms(), a0 = alloc();
                    try (QueryResult r = s.execute(s.plan(sql))) { r.rows(); }
                    sb.append(String.format(Locale.ROOT, " %.1f", (System.nanoTime() - t0) / 1e6));
                    sumCpu += pcpu() - c0; sumFlt += minflt() - f0; sumGc += gcms() - g0; sumAlloc += alloc() - a0;
                    cpu.append(String.format(Locale.ROOT, " %.0f/%.0f/%d/f%d/g%d/a%d", (pcpu() - c0) / 1e6, (TM.getCurrentThreadCpuTime() - m0) / 1e6, CM.getTotalCompilationTime() - j0, (minflt() - f0) / 1000, gcms() - g0, (alloc() - a0) >> 20));
                }
                sb.append(cpu);
                if (explain) System.out.println(s.explainAnalyze(sql));
                if (d != null) {
                    d.setThreads(t);
                    for (int i = 0; i < warm; i++) d.query(sql);
                    sb.append(" | duck");
                    for (int i = 0; i < runs; i++) { long t0 = System.nanoTime(); d.query(sql); sb.append(String.format(Locale.ROOT, " %.1f", (System.nanoTime() - t0) / 1e6)); }
                }
                System.out.println(sb);
            }
        }
        System.out.println("end " + up());
        System.out.printf(Locale.ROOT, "timed runs in all: process cpu %.0f ms, minor faults %d, gc %d ms, heap %d MiB%n",
                sumCpu / 1e6, sumFlt, sumGc, sumAlloc >> 20);
        if (d != null) d.close();
        s.close();
    }
}
