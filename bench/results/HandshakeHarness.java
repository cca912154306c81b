/*
 * Arena handshakes per run of TPC-H queries (issue 6, session 15): each query's warm runs, then timed runs
 * recorded with JFR jdk.ExecuteVMOperation (threshold 0); prints the median execution CPU of the caller and
 * the pool workers, the handshakes (a closed shared arena is one) and their VM-operation time per run, the
 * VM thread's CPU per run (/proc/self/task, Linux) and what the session keeps for reuse. Run from the
 * repository root after a build:
 *   java -XX:+UseParallelGC -Xmx3g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -Dthreads=2 -Dwarm=20 -Druns=20 -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" \
 *       bench/results/HandshakeHarness.java 2,11
 */
import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.lang.management.*;
import java.nio.file.*;
import java.util.*;
import jdk.jfr.*;
import jdk.jfr.consumer.*;
public class HandshakeHarness {
    static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    static long engineCpu() {
        long cpu = 0;
        for (ThreadInfo ti : MX.getThreadInfo(MX.getAllThreadIds())) {
            if (ti == null) continue;
            if (ti.getThreadId() == Thread.currentThread().threadId() || ti.getThreadName().startsWith("blueshift-worke"))
                cpu += Math.max(0, MX.getThreadCpuTime(ti.getThreadId()));
        }
        return cpu;
    }
    static long vmTicks() throws Exception {
        long sum = 0;
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path p : ds) {
                String st;
                try { st = Files.readString(p.resolve("stat")); } catch (java.io.IOException gone) { continue; }
                int l = st.indexOf('('), r = st.lastIndexOf(')');
                if (!st.substring(l + 1, r).startsWith("VM Thread")) continue;
                String[] f = st.substring(r + 2).split(" ");
                sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
        }
        return sum;
    }
    public static void main(String[] a) throws Exception {
        int runs = Integer.getInteger("runs", 10), warm = Integer.getInteger("warm", 10), threads = Integer.getInteger("threads", 2);
        Session s = Blueshift.open(Options.defaults().withThreads(threads));
        s.loadTpch(Double.parseDouble(System.getProperty("sf", "1")), null);
        for (String qs : a[0].split(",")) {
            int q = Integer.parseInt(qs);
            String sql = TpchQueries.sql(q);
            for (int w = 0; w < warm; w++) s.sql(sql).close();
            Recording rec = new Recording();
            rec.enable("jdk.ExecuteVMOperation").withThreshold(java.time.Duration.ZERO);
            rec.start();
            double[] exec = new double[runs];
            long vm0 = vmTicks();
            for (int i = 0; i < runs; i++) {
                var plan = s.plan(sql);
                long e1 = engineCpu();
                s.execute(plan).close();
                exec[i] = (engineCpu() - e1) / 1e6;
            }
            double vmMs = (vmTicks() - vm0) * 10.0 / runs;
            rec.stop();
            Path f = Files.createTempFile("hs", ".jfr");
            rec.dump(f); rec.close();
            long hs = 0; double hsMs = 0;
            for (RecordedEvent e : RecordingFile.readAllEvents(f)) {
                if (e.getString("operation").contains("Handshake")) { hs++; hsMs += e.getDuration().toNanos() / 1e6; }
            }
            Files.delete(f);
            double[] c = exec.clone(); Arrays.sort(c);
            System.out.printf(Locale.ROOT, "Q%02d %dt exec CPU median %.2f ms (min %.2f) | handshakes/run %.1f, %.2f ms/run | VM thread %.2f ms/run | kept %d KiB%n",
                q, threads, c[runs / 2], c[0], hs / (double) runs, hsMs / runs, vmMs, s.memoryKeptForReuse() >> 10);
        }
        s.close();
    }
}
