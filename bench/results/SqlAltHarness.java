import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.nio.file.*;
import java.util.*;

/*
 * AltHarness for any SQL (issue 6, session 19): the argument is a ';'-separated list of TPC-H query numbers or
 * SQL texts; each alternates A (-Dprop=false) and B (-Dprop=true) after -Dwarm alternated warm-ups in one process
 * at -Dthreads, and prints the CPU of the caller and pool workers per run (from /proc/self/task, Linux; 10 ms
 * ticks, so use -Druns of 20 or more), the median and least wall times of A and B, and the geometric mean of B/A
 * in CPU. Run from the repository root after a build:
 *   java -XX:+UseParallelGC -Xmx6g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -Dprop=blueshift.agg.routeEarly -Dthreads=2 -Dwarm=10 -Druns=20 -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" \
 *       bench/results/SqlAltHarness.java "13;select o_custkey, count(*) from orders group by o_custkey"
 */
public class SqlAltHarness {
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
    public static void main(String[] a) throws Exception {
        String prop = System.getProperty("prop");
        int runs = Integer.getInteger("runs", 20), warm = Integer.getInteger("warm", 10);
        Session s = Blueshift.open(Options.defaults().withThreads(Integer.getInteger("threads", 1)));
        s.loadTpch(Double.parseDouble(System.getProperty("sf", "1")), null);
        double ga = 0, gb = 0; int nq = 0;
        for (String qs : a[0].split(";")) {
            String sql = qs.matches("[0-9]+") ? TpchQueries.sql(Integer.parseInt(qs)) : qs;
            for (int w = 0; w < warm; w++) { System.setProperty(prop, w % 2 == 0 ? "false" : "true"); s.sql(sql).close(); }
            long ta = 0, tb = 0; double[] wa = new double[runs], wb = new double[runs];
            for (int i = 0; i < runs; i++) {
                System.setProperty(prop, "false"); long t0 = work(); long w0 = System.nanoTime(); s.sql(sql).close(); long w1 = System.nanoTime(); long t1 = work();
                System.setProperty(prop, "true"); long w2 = System.nanoTime(); s.sql(sql).close(); long w3 = System.nanoTime(); long t2 = work();
                wa[i] = (w1 - w0) / 1e6; wb[i] = (w3 - w2) / 1e6;
                ta += t1 - t0; tb += t2 - t1;
            }
            System.out.printf(Locale.ROOT, "Q%s A %.1f B %.1f ms cpu/run  B/A %.3f%n", qs, ta / (double) runs, tb / (double) runs, tb / (double) ta);
            Arrays.sort(wa); Arrays.sort(wb);
            System.out.printf(Locale.ROOT, "   wall median A %.1f B %.1f  min A %.1f B %.1f%n", wa[runs / 2], wb[runs / 2], wa[0], wb[0]);
            ga += Math.log(ta); gb += Math.log(tb); nq++;
        }
        System.out.printf(Locale.ROOT, "geomean B/A %.3f%n", Math.exp((gb - ga) / nq));
    }
}
