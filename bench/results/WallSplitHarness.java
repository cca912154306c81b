/*
 * Where a query's wall time goes, per thread count (issue 6, session 15): per run the planning CPU,
 * then over the execution alone its wall time, the caller's CPU, run-queue wait (runnable, not
 * running: another thread had the core) and blocked time (wall - run - wait: the caller parked, i.e.
 * waiting for a pool worker to end its morsel or to wake), the pool workers' CPU and their run-queue
 * wait, and the JIT compiler threads' CPU (/proc/self/task/<tid>/schedstat and stat, Linux). Queries
 * run in the benchmark's order (per query, each count of -Dths: -Dwarm untimed runs, then -Druns).
 * On a quiet machine, exec wall minus (caller CPU + blocked) is the caller's wait for a core; blocked
 * at 2 threads is what the caller loses to the worker. Run from the repository root after a build:
 *   java -XX:+UseParallelGC -Xmx3g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -Dths=1,2 -Dwarm=5 -Druns=5 -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" \
 *       bench/results/WallSplitHarness.java 5,7,15,20,22
 */
import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.lang.management.*;
import java.nio.file.*;
import java.util.*;

public class WallSplitHarness {
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    /** Run and run-queue nanoseconds of this thread (schedstat). */
    static long[] self() throws Exception {
        String[] f = Files.readString(Path.of("/proc/thread-self/schedstat")).trim().split(" ");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }

    /** Run and run-queue nanoseconds summed over threads whose name starts with one of the prefixes. */
    static long[] threads(String... prefixes) throws Exception {
        long[] r = new long[2];
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path p : ds) {
                try {
                    String st = Files.readString(p.resolve("stat"));
                    String name = st.substring(st.indexOf('(') + 1, st.lastIndexOf(')'));
                    if (Arrays.stream(prefixes).noneMatch(name::startsWith)) {
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

    public static void main(String[] a) throws Exception {
        int runs = Integer.getInteger("runs", 5), warm = Integer.getInteger("warm", 5);
        int[] counts = Arrays.stream(System.getProperty("ths", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        Session s = Blueshift.open(Options.defaults().withThreads(counts[0]));
        s.loadTpch(Double.parseDouble(System.getProperty("sf", "1")), null);
        for (String qs : a[0].split(",")) {
            int q = Integer.parseInt(qs);
            String sql = TpchQueries.sql(q);
            for (int t : counts) {
                s.setThreads(t);
                for (int w = 0; w < warm; w++) s.sql(sql).close();
                double[] v = new double[8]; // plan cpu, exec wall, caller run, caller wait, workers run, workers wait, compiler run
                for (int i = 0; i < runs; i++) {
                    long c0 = MX.getCurrentThreadCpuTime();
                    var plan = s.plan(sql);
                    v[0] += MX.getCurrentThreadCpuTime() - c0;
                    long[] cb = self(), wb = threads("blueshift"), jb = threads("C1", "C2");
                    long t0 = System.nanoTime();
                    s.execute(plan).close();
                    v[1] += System.nanoTime() - t0;
                    long[] ca = self(), wa = threads("blueshift"), ja = threads("C1", "C2");
                    v[2] += ca[0] - cb[0];
                    v[3] += ca[1] - cb[1];
                    v[4] += wa[0] - wb[0];
                    v[5] += wa[1] - wb[1];
                    v[6] += ja[0] - jb[0];
                }
                for (int i = 0; i < v.length; i++) v[i] /= 1e6 * runs;
                System.out.printf(Locale.ROOT, "Q%02d %dt: plan cpu %.1f | exec wall %.1f = caller run %.1f + wait %.1f + blocked %.1f | workers run %.1f wait %.1f | compiler %.1f%n",
                        q, t, v[0], v[1], v[2], v[3], v[1] - v[2] - v[3], v[4], v[5], v[6]);
            }
        }
    }
}
