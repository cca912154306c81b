/*
 * Plan one TPC-H query once, execute it n times untimed and m times timed in one session (SF 1 in memory), and
 * print the calling thread's CPU and the wall time per execution: the executor alone, planning left out.
 * Run from the repository root after a build (session 9, bench/RESULTS.md "execution fixed costs"):
 *   java -XX:+UseParallelGC -Xmx4g --add-modules jdk.incubator.vector -Dthreads=1 -Dn=10 -Dm=5 \
 *       -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" bench/results/ExecLoopHarness.java 1,2,11
 * -Dn=10 -Dm=5 is the state `bench tpch --warmups 10` measures in; -Dn=300 -Dm=300 is fully warm.
 */
import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.lang.management.*;
public class ExecLoopHarness {
    public static void main(String[] a) throws Exception {
        int t = Integer.getInteger("threads", 1), n = Integer.getInteger("n", 500);
        Session s = Blueshift.open(Options.defaults().withThreads(t));
        s.loadTpch(Double.parseDouble(System.getProperty("sf", "1")), null);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (String qs : a[0].split(",")) {
            int q = Integer.parseInt(qs);
            var plan = s.plan(TpchQueries.sql(q));
            for (int i = 0; i < n; i++) s.execute(plan).close();
            long c0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime();
            int m = Integer.getInteger("m", 50);
            for (int i = 0; i < m; i++) s.execute(plan).close();
            System.out.printf("Q%02d %dt caller cpu %.2f ms wall %.2f ms per run%n", q, t, (mx.getCurrentThreadCpuTime() - c0) / 1e6 / m, (System.nanoTime() - w0) / 1e6 / m);
        }
        s.close();
    }
}
