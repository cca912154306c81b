/*
 * Heap bytes and ns per row of one SIMD filter kernel call (SimdFilterKernels.compareColumnsInt32, LT,
 * 8192 dense rows, as TPC-H Q4 / Q21's l_commitdate < l_receiptdate), phase by phase (issue 6,
 * session 18: Q21 and Q4 3-9x slow for all runs of one thread count in some processes). Arguments:
 * phases "KIND:CALLS", KIND nat (off-heap output), heapL (a long[] heap output, as the pool's heap
 * buffers) or heapI (int[]). Before the fix the kernels carried their row-id vector from one loop
 * iteration to the next, started from a static final vector; C2 kept it boxed: 96 bytes allocated
 * per 16 rows (49,152 bytes a call) and, depending on the compile, 0.7 or 9-18 ns/row.
 * Run from the repository root after a build:
 *   java --add-modules jdk.incubator.vector -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" \
 *       bench/results/FilterKernelAlloc.java nat:5000 nat:5000 nat:5000 heapL:50 nat:5000 nat:5000 nat:5000
 */
import io.blueshift.kernels.*;
import java.lang.foreign.*;

public class FilterKernelAlloc {
    public static void main(String[] phases) throws Exception {
        java.lang.reflect.Field fi = Class.forName("io.blueshift.simd.SimdFilterKernels").getDeclaredField("INSTANCE");
        fi.setAccessible(true);
        FilterKernels f = (FilterKernels) fi.get(null);
        int n = 8192;
        Arena ar = Arena.ofShared();
        MemorySegment a = ar.allocate(n * 4L, 64), b = ar.allocate(n * 4L, 64);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < n; i++) {
            a.setAtIndex(ValueLayout.JAVA_INT, i, r.nextInt(100));
            b.setAtIndex(ValueLayout.JAVA_INT, i, r.nextInt(100));
        }
        MemorySegment nat = ar.allocate(n * 4L + 64, 64);
        MemorySegment heapL = MemorySegment.ofArray(new long[n / 2 + 8]);
        MemorySegment heapI = MemorySegment.ofArray(new int[n + 16]);
        var tm = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (String ph : phases) {
            String[] p = ph.split(":");
            int calls = Integer.parseInt(p[1]);
            MemorySegment out = p[0].equals("nat") ? nat : p[0].equals("heapL") ? heapL : heapI;
            long al0 = tm.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            int k = 0;
            for (int it = 0; it < calls; it++) {
                k += f.compareColumnsInt32(CompareOp.LT, a, null, b, null, null, n, out);
            }
            System.out.printf("%-6s %6d calls %6.2f ns/row %8d bytes/call (%d)%n", p[0], calls,
                    (System.nanoTime() - t0) / (double) calls / n, (tm.getCurrentThreadAllocatedBytes() - al0) / calls, k);
        }
    }
}
