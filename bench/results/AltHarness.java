import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.nio.file.*;
import java.util.*;

/*
 * A/B of a boolean system property read per query, in one process (issue 6, session 16): each TPC-H query's runs
 * alternate A (-Dprop=false) and B (-Dprop=true) after -Dwarm alternated warm-ups, so both share one JIT state;
 * prints the CPU of the caller and the pool's workers per run (from /proc/self/task, Linux; 10 ms ticks, so use
 * -Druns of 20 or more), the Java heap MiB all threads allocated, minor page faults and GC ms per run (session 19), and
 * the geometric mean of B/A. Run from the repository root after a build:
 *   java -XX:+UseParallelGC -Xmx3g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -Dprop=NAME -Dwarm=10 -Druns=20 -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" \
 *       bench/results/AltHarness.java 3,5,7
 */
public class AltHarness {
    static long work() throws Exception {
        long t = 0;
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path p : ds) {
                String st;
                try { st = Files.readString(p.resolve("stat")); } catch (java.io.IOException gone) { continue; }
                int l = st.indexOf('('), r = st.lastIndexOf(')');
                String name = st.substring(l + 1, r);
                if (!(name.equals("java") || name.startsWith("blueshift-worke"))) continue;
                String[] f = st.substring(r + 2).split(" ");
                t += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
        }
        return t * 10;
    }
    static final com.sun.management.ThreadMXBean TM = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    static long minflt() { try { String st = Files.readString(Path.of("/proc/self/stat")); return Long.parseLong(st.substring(st.lastIndexOf(')') + 2).split(" ")[7]); } catch (Exception e) { return -1; } }
    static long gcms() { long t = 0; for (var g : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) t += g.getCollectionTime(); return t; }
    public static void main(String[] a) throws Exception {
        String prop = System.getProperty("prop");
        int runs = Integer.getInteger("runs", 20), warm = Integer.getInteger("warm", 10);
        Session s = Blueshift.open(Options.defaults().withThreads(Integer.getInteger("threads", 1)));
        s.loadTpch(Double.parseDouble(System.getProperty("sf", "1")), null);
        double ga = 0, gb = 0; int nq = 0;
        for (String qs : a[0].split(",")) {
            String sql = TpchQueries.sql(Integer.parseInt(qs));
            for (int w = 0; w < warm; w++) { System.setProperty(prop, w % 2 == 0 ? "false" : "true"); s.sql(sql).close(); }
            long ta = 0, tb = 0, ma = 0, mb = 0, fa = 0, fb = 0, gca = 0, gcb = 0;
            for (int i = 0; i < runs; i++) {
                System.setProperty(prop, "false"); long m0 = TM.getTotalThreadAllocatedBytes(), f0 = minflt(), g0 = gcms(), t0 = work();
                s.sql(sql).close();
                long t1 = work(), m1 = TM.getTotalThreadAllocatedBytes(), f1 = minflt(), g1 = gcms();
                System.setProperty(prop, "true"); s.sql(sql).close(); long t2 = work();
                long m2 = TM.getTotalThreadAllocatedBytes(), f2 = minflt(), g2 = gcms();
                ta += t1 - t0; tb += t2 - t1; ma += m1 - m0; mb += m2 - m1; fa += f1 - f0; fb += f2 - f1; gca += g1 - g0; gcb += g2 - g1;
            }
            System.out.printf(Locale.ROOT, "Q%s A %.1f B %.1f ms cpu/run  B/A %.3f | heap MiB/run A %.1f B %.1f | faults/run A %d B %d | gc ms A %d B %d%n",
                    qs, ta / (double) runs, tb / (double) runs, tb / (double) ta, ma / runs / 1048576.0, mb / runs / 1048576.0,
                    fa / runs, fb / runs, gca, gcb);
            ga += Math.log(ta); gb += Math.log(tb); nq++;
        }
        System.out.printf(Locale.ROOT, "geomean B/A %.3f%n", Math.exp((gb - ga) / nq));
    }
}
