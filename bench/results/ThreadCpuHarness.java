/*
 * TPC-H thread CPU per query run at several thread counts (issue 6 measurements in bench/RESULTS.md).
 * Run from the repository root after a build:
 *   java -XX:+UseParallelGC -Xmx12g --add-modules jdk.incubator.vector -Druns=9 -Dwarm=6 -Dthreads=1,2 \
 *       -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" bench/results/ThreadCpuHarness.java 4,5,6
 * Prints per query and thread count: wall min/median, process CPU, the calling thread CPU, caller + pool
 * workers CPU, the busiest thread; -Dexplain=true adds EXPLAIN ANALYZE, -Dfull=true plans every run.
 */
import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.lang.management.*;
import java.util.*;

public class ThreadCpuHarness {
    static ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    static Map<Long,Long> workerCpu() {
        Map<Long,Long> m = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("blueshift-worker") || t == Thread.currentThread()) m.put(t.threadId(), mx.getThreadCpuTime(t.threadId()));
        }
        return m;
    }
    public static void main(String[] a) throws Exception {
        double sf = Double.parseDouble(System.getProperty("sf", "1"));
        int runs = Integer.getInteger("runs", 7), warm = Integer.getInteger("warm", 5);
        int[] threads = Arrays.stream(System.getProperty("threads", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        List<Integer> qs = new ArrayList<>();
        for (String s : a[0].split(",")) qs.add(Integer.parseInt(s));
        Session s = Blueshift.open(Options.defaults().withThreads(2));
        s.loadTpch(sf, null);
        long mainId = Thread.currentThread().threadId();
        for (int q : qs) {
            String sql = TpchQueries.sql(q);
            var plan = s.plan(sql);
            for (int i = 0; i < 20; i++) s.plan(sql);
            long p0 = System.nanoTime(); for (int i = 0; i < 10; i++) s.plan(sql); System.out.printf(Locale.ROOT, "Q%02d planning %.2f ms%n", q, (System.nanoTime() - p0) / 1e7);
            for (int w = 0; w < warm; w++) for (int t : threads) { s.setThreads(t); s.execute(plan).close(); }
            Map<Integer, double[]> wall = new HashMap<>(), cpu = new HashMap<>(), wcpu = new HashMap<>(), maxw = new HashMap<>();
            Map<Integer, double[]> pc = new HashMap<>();
            for (int t : threads) { pc.put(t, new double[runs]); wall.put(t, new double[runs]); cpu.put(t, new double[runs]); wcpu.put(t, new double[runs]); maxw.put(t, new double[runs]); }
            Map<String, Long> task0 = tasks();
            for (int r = 0; r < runs; r++) for (int t : threads) {
                s.setThreads(t);
                Thread.sleep(20);
                Map<Long,Long> b = workerCpu();
                long c0 = 0L, t0 = System.nanoTime();
                long pc0 = pcpu();
                if (FULL) { try (var rr = s.execute(s.plan(sql))) { rr.rows(); } } else s.execute(plan).close();
                long t1 = System.nanoTime(), c1 = 0L;
                pc.get(t)[r] = (pcpu() - pc0) / 1e6;
                Map<Long,Long> e = workerCpu();
                double sum = 0, mx2 = 0, mainc = 0;
                for (var en : e.entrySet()) { double d = (en.getValue() - b.getOrDefault(en.getKey(), 0L)) / 1e6; if (en.getKey() == mainId) mainc = d; else { sum += d; mx2 = Math.max(mx2, d);}  }
                wall.get(t)[r] = (t1 - t0) / 1e6; cpu.get(t)[r] = mainc; wcpu.get(t)[r] = sum + mainc; maxw.get(t)[r] = Math.max(mx2, mainc);
            }
            if (Boolean.getBoolean("explain")) for (int t : threads) { s.setThreads(t); System.out.println("--- EXPLAIN ANALYZE Q" + q + " " + t + "t"); System.out.println(s.explainAnalyze(sql)); }
            if (Boolean.getBoolean("tr")) for (int t : threads) { s.setThreads(t); System.err.println("--- trace Q" + q + " " + t + "t"); long x0 = System.nanoTime(); s.execute(plan).close(); System.err.printf("--- exec wall %.2f%n", (System.nanoTime() - x0) / 1e6); }
            Map<String, Long> task1 = tasks();
            StringBuilder tb = new StringBuilder(String.format("Q%02d threads' cpu ms per run (all thread counts):", q));
            task1.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue() - task0.getOrDefault(e.getKey(), 0L))).filter(e -> e.getValue() > 0)
                .sorted((a1, b1) -> Long.compare(b1.getValue(), a1.getValue())).limit(8)
                .forEach(e -> tb.append(String.format(Locale.ROOT, " %s=%.1f", e.getKey(), e.getValue() * 10.0 / (runs * threads.length))));
            System.out.println(tb);
            StringBuilder sb = new StringBuilder(String.format("Q%02d", q));
            for (int t : threads) sb.append(String.format(Locale.ROOT, " | %dt wall min %.1f med %.1f | process cpu %.1f | cpu caller %.1f, caller+workers %.1f, busiest thread %.1f", t, Arrays.stream(wall.get(t)).min().getAsDouble(), med(wall.get(t)), med(pc.get(t)), med(cpu.get(t)), med(wcpu.get(t)), med(maxw.get(t))));
            System.out.println(sb);
        }
        s.close();
    }
    static final boolean FULL = Boolean.getBoolean("full");
    static java.lang.reflect.Method PC;
    static long pcpu() {
        try {
            if (PC == null) { PC = Class.forName("io.blueshift.bench.tpch.ProcessCpuClock").getDeclaredMethod("nanos"); PC.setAccessible(true); }
            return (long) PC.invoke(null);
        } catch (Exception e) { throw new RuntimeException(e); }
    }
    static Map<String, Long> tasks() {
        Map<String, Long> m = new HashMap<>();
        java.io.File[] ts = new java.io.File("/proc/self/task").listFiles();
        if (ts == null) return m;
        for (java.io.File t : ts) {
            try {
                String st = java.nio.file.Files.readString(t.toPath().resolve("stat"));
                int a = st.indexOf('('), b = st.lastIndexOf(')');
                String name = st.substring(a + 1, b).replaceAll("[0-9#]+$", "").replaceAll("-[0-9]+-?$", "").trim();
                String[] f = st.substring(b + 2).split(" ");
                long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                m.merge(name, ticks, Long::sum);
            } catch (Exception e) { }
        }
        return m;
    }
    static double med(double[] x) { double[] y = x.clone(); Arrays.sort(y); return y[y.length/2]; }
}
