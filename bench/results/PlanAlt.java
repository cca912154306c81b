/*
 * Planning CPU A/B in one process (issue 6, session 17; the example property is on branch q2, not main): -Dprop=NAME[,NAME2] set false (A) / true (B) alternately per
 * planning (order flipped each round), -Dwarm rounds then -Druns rounds over the TPC-H queries given; per query the
 * median planning-thread CPU and allocation of A and B, the wall split of A (setup, parse, validate, to rel, rewrite,
 * translate), B/A, and each geomean. No -Dprop: A only. -Djfr=FILE -Djfc=SETTINGS records the timed rounds.
 * Run from the repository root after a build:
 *   java -XX:+UseParallelGC -Xmx4g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -Dsf=1 -Dwarm=40 -Druns=100 -Dprop=blueshift.planner.subqueryPass -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" \
 *       bench/results/PlanAlt.java 2,4,11
 */
import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.lang.management.*;
import java.util.*;

/**
 * Planning CPU A/B in one process: -Dprop=NAME set false (A) / true (B) alternately per planning (order flipped each
 * round), -Dwarm rounds then -Druns rounds over the queries given; medians per query and the geomean. -Dprop unset: A only.
 */
public class PlanAlt {
    static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    public static void main(String[] a) throws Exception {
        int runs = Integer.getInteger("runs", 20), warm = Integer.getInteger("warm", 20);
        String prop = System.getProperty("prop");
        Session s = Blueshift.open(Options.defaults().withThreads(1));
        s.loadTpch(Double.parseDouble(System.getProperty("sf", "0.01")), null);
        int[] qs = Arrays.stream(a[0].split(",")).mapToInt(Integer::parseInt).toArray();
        int variants = prop == null ? 1 : 2;
        double[][][] cpu = new double[qs.length][variants][runs];
        double[][][] kib = new double[qs.length][variants][runs];
        double[][][] st = new double[qs.length][6][runs];
        jdk.jfr.Recording rec = null;
        for (int r = -warm; r < runs; r++) {
            if (r == 0 && System.getProperty("jfr") != null) {
                rec = new jdk.jfr.Recording(jdk.jfr.Configuration.create(java.nio.file.Path.of(System.getProperty("jfc"))));
                rec.start();
            }
            for (int qi = 0; qi < qs.length; qi++) {
                String sql = TpchQueries.sql(qs[qi]);
                for (int k = 0; k < variants; k++) {
                    int v = variants == 1 ? 0 : ((r & 1) == 0 ? k : 1 - k);
                    if (prop != null) for (String pp : prop.split(",")) System.setProperty(pp, String.valueOf(v == 1));
                    long c0 = MX.getCurrentThreadCpuTime(), b0 = MX.getCurrentThreadAllocatedBytes();
                    var pq = s.planTimed(sql);
                    if (r >= 0 && v == 0) { var t = pq.times(); long[] n = {t.setupNanos(), t.parseNanos(), t.validateNanos(), t.toRelNanos(), t.rewriteNanos(), t.translateNanos()}; for (int j = 0; j < 6; j++) st[qi][j][r] = n[j] / 1e6; }
                    long c1 = MX.getCurrentThreadCpuTime(), b1 = MX.getCurrentThreadAllocatedBytes();
                    if (r >= 0) { cpu[qi][v][r] = (c1 - c0) / 1e6; kib[qi][v][r] = (b1 - b0) / 1024.0; }
                }
            }
        }
        if (rec != null) { rec.stop(); rec.dump(java.nio.file.Path.of(System.getProperty("jfr"))); }
        double[] lg = new double[variants];
        for (int qi = 0; qi < qs.length; qi++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "Q%02d", qs[qi]));
            for (int v = 0; v < variants; v++) {
                double m = median(cpu[qi][v]);
                lg[v] += Math.log(m);
                line.append(String.format(Locale.ROOT, " | %s %.3f ms %.0f KiB", v == 0 ? "A" : "B", m, median(kib[qi][v])));
            }
            line.append(String.format(Locale.ROOT, " | A wall: setup %.2f parse %.2f validate %.2f torel %.2f rewrite %.2f translate %.2f", median(st[qi][0]), median(st[qi][1]), median(st[qi][2]), median(st[qi][3]), median(st[qi][4]), median(st[qi][5])));
            if (variants == 2) line.append(String.format(Locale.ROOT, " | B/A %.3f", median(cpu[qi][1]) / median(cpu[qi][0])));
            System.out.println(line);
        }
        for (int v = 0; v < variants; v++) System.out.printf(Locale.ROOT, "%s geomean %.3f ms%n", v == 0 ? "A" : "B", Math.exp(lg[v] / qs.length));
        s.close();
    }
    static double median(double[] v) { double[] c = v.clone(); Arrays.sort(c); return c[c.length / 2]; }
}
