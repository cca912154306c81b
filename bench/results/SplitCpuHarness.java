/*
 * Planning against execution, per run of a TPC-H query (issue 6, session 12): planning CPU and allocation of the
 * calling thread, execution CPU and allocation of the caller and the pool workers, and the JIT compiler threads'
 * CPU over the timed window (from /proc/self/task, Linux). Queries run in the order given, each with warm untimed
 * runs then timed runs (plan + execute each time), as `bench tpch` does. Run from the repository root after a build:
 *   java -XX:+UseParallelGC -Xmx4g --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -Dthreads=1 -Dwarm=5 -Druns=5 -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" \
 *       bench/results/SplitCpuHarness.java 1,2,11
 * -Djfr=FILE -Djfc=SETTINGS records the last query's timed runs with JFR (-Djfr.all=true: from the first query's
 * timed runs to the end); query 0 is the SQL of -Dsql. The last line: the geometric mean of the queries' median
 * planning CPU and the sum of their median planning KiB (session 13). -Dprewarm=N plans N rounds of ten generic
 * SQL shapes (not the benchmark's texts) before the first query: the planner warm (session 14).
 */
import io.blueshift.api.*;
import io.blueshift.bench.tpch.*;
import java.lang.management.*;
import java.nio.file.*;
import java.util.*;

public class SplitCpuHarness {
    static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static long compilerTicks() throws Exception {
        long sum = 0;
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path p : ds) {
                String st;
                try { st = Files.readString(p.resolve("stat")); } catch (java.io.IOException gone) { continue; }
                int l = st.indexOf('('), r = st.lastIndexOf(')');
                if (!st.substring(l + 1, r).startsWith("C")) continue;
                String[] f = st.substring(r + 2).split(" ");
                sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            }
        }
        return sum;
    }

    /** [cpu ns, allocated bytes] of the caller and the pool's workers. */
    static long[] engine() {
        long cpu = 0, alloc = 0;
        for (ThreadInfo ti : MX.getThreadInfo(MX.getAllThreadIds())) {
            if (ti == null) continue;
            long id = ti.getThreadId();
            if (id == Thread.currentThread().threadId() || ti.getThreadName().startsWith("blueshift-worke")) {
                cpu += Math.max(0, MX.getThreadCpuTime(id));
                alloc += Math.max(0, MX.getThreadAllocatedBytes(id));
            }
        }
        return new long[] {cpu, alloc};
    }

    /** Generic shapes (not the benchmark's texts): joins, grouping, subqueries, CASE, LIKE, dates, ORDER BY/LIMIT. */
    static final String[] SHAPES = {
        "select n_name, count(*) from nation join region on n_regionkey = r_regionkey where r_name like 'A%' group by n_name order by 2 desc",
        "select c_mktsegment, sum(o_totalprice) from customer, orders where c_custkey = o_custkey and o_orderdate < date '1995-01-01' group by c_mktsegment",
        "select s_name from supplier where s_suppkey in (select ps_suppkey from partsupp where ps_availqty > 100) and s_acctbal > 0 order by s_name limit 10",
        "select p_brand, avg(p_retailprice) from part where exists (select * from partsupp where ps_partkey = p_partkey and ps_supplycost < 10) group by p_brand",
        "select o_orderpriority, count(*) from orders where not exists (select * from lineitem where l_orderkey = o_orderkey and l_quantity > 49) group by o_orderpriority",
        "select l_returnflag, sum(case when l_discount > 0.05 then l_extendedprice * (1 - l_discount) else 0 end) from lineitem where l_shipdate between date '1994-01-01' and date '1994-03-01' group by l_returnflag",
        "select c_name, o_orderkey from customer, orders, nation where c_custkey = o_custkey and c_nationkey = n_nationkey and n_name = 'FRANCE' and o_totalprice > (select avg(o_totalprice) from orders) order by o_orderkey limit 5",
        "select s_nationkey, count(distinct s_suppkey) from supplier, partsupp, part where s_suppkey = ps_suppkey and ps_partkey = p_partkey and (p_size = 5 or p_size = 10 and p_container like 'SM%') group by s_nationkey",
        "with t as (select l_suppkey k, sum(l_quantity) q from lineitem group by l_suppkey) select s_name, q from supplier join t on s_suppkey = k where q > (select max(q) / 2 from t)",
        "select extract(year from o_orderdate) y, count(*) from orders left join customer on o_custkey = c_custkey and c_acctbal < 0 group by extract(year from o_orderdate)",
    };
    public static void main(String[] a) throws Exception {
        int runs = Integer.getInteger("runs", 5), warm = Integer.getInteger("warm", 5), threads = Integer.getInteger("threads", 1);
        Session s = Blueshift.open(Options.defaults().withThreads(threads));
        s.loadTpch(Double.parseDouble(System.getProperty("sf", "1")), null);
        // -Dprewarm=N: N rounds of planning the SHAPES first (a warm planner, session 14)
        long pw0 = MX.getCurrentThreadCpuTime();
        for (int r = 0; r < Integer.getInteger("prewarm", 0); r++) {
            for (String sh : SHAPES) s.plan(sh);
        }
        if (Integer.getInteger("prewarm", 0) > 0) {
            System.out.printf(Locale.ROOT, "prewarm %d rounds: %.0f ms CPU%n", Integer.getInteger("prewarm", 0), (MX.getCurrentThreadCpuTime() - pw0) / 1e6);
        }
        jdk.jfr.Recording rec = null;
        double logPlan = 0;
        double planKibSum = 0;
        int queries = 0;
        for (String qs : a[0].split(",")) {
            // a query number, or 0 for the SQL of -Dsql
            int q = Integer.parseInt(qs);
            String sql = q == 0 ? System.getProperty("sql") : TpchQueries.sql(q);
            for (int w = 0; w < warm; w++) s.sql(sql).close();
            double[] planCpu = new double[runs], planKib = new double[runs], execCpu = new double[runs], execKib = new double[runs];
            // -Djfr=FILE: a JFR recording (-Djfc=settings) of the timed runs of the last query, or with
            // -Djfr.all=true from the first query's timed runs to the end
            boolean last = qs.equals(a[0].substring(a[0].lastIndexOf(',') + 1));
            if (System.getProperty("jfr") != null && rec == null && (last || Boolean.getBoolean("jfr.all"))) {
                rec = new jdk.jfr.Recording(jdk.jfr.Configuration.create(Path.of(System.getProperty("jfc"))));
                rec.start();
            }
            long c0 = compilerTicks();
            for (int i = 0; i < runs; i++) {
                long[] e0 = engine();
                var plan = s.plan(sql);
                long[] e1 = engine();
                s.execute(plan).close();
                long[] e2 = engine();
                planCpu[i] = (e1[0] - e0[0]) / 1e6; planKib[i] = (e1[1] - e0[1]) / 1024.0;
                execCpu[i] = (e2[0] - e1[0]) / 1e6; execKib[i] = (e2[1] - e1[1]) / 1024.0;
            }
            double jit = (compilerTicks() - c0) * 10.0 / runs;
            if (rec != null && last) {
                rec.stop();
                rec.dump(Path.of(System.getProperty("jfr")));
            }
            System.out.printf(Locale.ROOT, "Q%02d %dt plan %.2f ms %.0f KiB | exec %.2f ms %.0f KiB | jit %.1f ms/run%n",
                    q, threads, median(planCpu), median(planKib), median(execCpu), median(execKib), jit);
            logPlan += Math.log(median(planCpu));
            planKibSum += median(planKib);
            queries++;
        }
        System.out.printf(Locale.ROOT, "planning geomean %.2f ms, KiB sum %.0f%n", Math.exp(logPlan / queries), planKibSum);
        s.close();
    }

    static double median(double[] v) { double[] c = v.clone(); Arrays.sort(c); return c[c.length / 2]; }
}
