/*
 * Execute-only CPU of TPC-H queries at SF 1, one thread (issue 6, session 10): each query planned once,
 * then warm runs, then timed runs on the calling thread (median, min, p25 of thread CPU). After a build:
 *   java -XX:+UseParallelGC -Xmx12g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -Dwarm=100 -Druns=60 -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" bench/results/ExecCpuHarness.java 6,1
 */
import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.lang.management.*;
import java.util.*;

/** Execute-only CPU (plan once) of TPC-H queries at 1 thread: median / min thread CPU ms per run. */
public class ExecCpuHarness {
    public static void main(String[] a) throws Exception {
        int runs = Integer.getInteger("runs", 30), warm = Integer.getInteger("warm", 20);
        Session s = Blueshift.open(Options.defaults().withThreads(1));
        int br = Integer.getInteger("batchRows", 0);
        if (br > 0) s.setBatchRows(br);
        s.loadTpch(1, null);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (String qs : a[0].split(",")) {
            int q = Integer.parseInt(qs);
            var plan = s.plan(TpchQueries.sql(q));
            for (int w = 0; w < warm; w++) s.execute(plan).close();
            double[] t = new double[runs];
            for (int i = 0; i < runs; i++) {
                long c0 = mx.getCurrentThreadCpuTime();
                s.execute(plan).close();
                t[i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
            }
            Arrays.sort(t);
            System.out.printf(Locale.ROOT, "Q%02d exec cpu median %.2f min %.2f p25 %.2f ms (batch rows %d)%n", q, t[runs / 2], t[0], t[runs / 4], br);
        }
        s.close();
    }
}
