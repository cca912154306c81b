/*
 * Dense range-filter kernels over 6M generated rows in batches of 8192 (issue 6, session 10): thread CPU of
 * each form, best of 15 passes, in one process so that both sides see the same machine. After a build:
 *   java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -cp "cli/target/blueshift-cli.jar:cli/target/lib/*" bench/results/RangeFilterHarness.java
 */
import io.blueshift.kernels.*;
import java.lang.foreign.*;
import java.lang.management.*;
import java.util.*;
import java.util.function.*;

public class RangeFilterHarness {
    static ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    static double[] best = new double[16];
    static void time(int slot, IntConsumer body, int rows, int batch) {
        long c0 = mx.getCurrentThreadCpuTime();
        for (int off = 0; off + batch <= rows; off += batch) body.accept(off);
        double ms = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
        if (best[slot] == 0 || ms < best[slot]) best[slot] = ms;
    }
    public static void main(String[] a) {
        KernelProvider k = a.length > 0 && a[0].equals("scalar") ? Kernels.scalar() : Kernels.vectorized().orElseThrow();
        FilterKernels f = k.filter();
        int rows = 6_000_000, batch = Integer.getInteger("batch", 8192);
        Arena arena = Arena.global();
        MemorySegment d32 = arena.allocate(4L * rows, 64), d64 = arena.allocate(8L * rows, 64), q64 = arena.allocate(8L * rows, 64);
        Random r = new Random(1);
        for (int i = 0; i < rows; i++) { d32.setAtIndex(ValueLayout.JAVA_INT, i, 8000 + r.nextInt(2500)); d64.setAtIndex(ValueLayout.JAVA_LONG, i, r.nextInt(11)); q64.setAtIndex(ValueLayout.JAVA_LONG, i, 100 * (1 + r.nextInt(50))); }
        MemorySegment bits = arena.allocate(8L * ((batch + 63) / 64), 8), out = arena.allocate(4L * batch, 64), out2 = arena.allocate(4L * batch, 64);
        String[] names = {"3cols bits+fromBitmap", "int64 bits", "int32 bits", "betweenInt64 dense", "betweenInt32 dense", "old chain (b32, b64sel, c64sel)", "in-cache int64 bits", "fromBitmap", "b32 98% direct", "b32 98% bits+fromBitmap", "b32 15% bits+fromBitmap"};
        for (int rep = 0; rep < Integer.getInteger("reps", 15); rep++) {
            time(0, off -> {
                f.rangeBitsInt32(d32.asSlice(4L * off), null, batch, 8766, 9130, bits, false);
                f.rangeBitsInt64(d64.asSlice(8L * off), null, batch, 5, 7, bits, true);
                f.rangeBitsInt64(q64.asSlice(8L * off), null, batch, Long.MIN_VALUE, 2399, bits, true);
                k.selection().fromBitmap(bits, batch, out);
            }, rows, batch);
            time(1, off -> f.rangeBitsInt64(d64.asSlice(8L * off), null, batch, 5, 7, bits, false), rows, batch);
            time(2, off -> f.rangeBitsInt32(d32.asSlice(4L * off), null, batch, 8766, 9130, bits, false), rows, batch);
            time(3, off -> f.betweenInt64(d64.asSlice(8L * off), null, batch, 5, 7, out), rows, batch);
            time(4, off -> f.betweenInt32(d32.asSlice(4L * off), null, batch, 8766, 9130, out), rows, batch);
            time(5, off -> {
                int n = f.betweenInt32(d32.asSlice(4L * off), null, batch, 8766, 9130, out);
                n = f.betweenInt64Selected(d64.asSlice(8L * off), null, out, n, 5, 7, out);
                f.compareInt64Selected(CompareOp.LE, q64.asSlice(8L * off), null, out, n, 2399, out);
            }, rows, batch);
            time(6, off -> f.rangeBitsInt64(d64, null, batch, 5, 7, bits, false), rows, batch);
            time(7, off -> k.selection().fromBitmap(bits, batch, out2), rows, batch);
            time(8, off -> f.betweenInt32(d32.asSlice(4L * off), null, batch, 0, 10450, out), rows, batch);
            time(9, off -> { f.rangeBitsInt32(d32.asSlice(4L * off), null, batch, 0, 10450, bits, false); k.selection().fromBitmap(bits, batch, out); }, rows, batch);
            time(10, off -> { f.rangeBitsInt32(d32.asSlice(4L * off), null, batch, 8766, 9130, bits, false); k.selection().fromBitmap(bits, batch, out); }, rows, batch);
        }
        for (int i = 0; i < names.length; i++) System.out.printf(Locale.ROOT, "%-34s %7.2f ms cpu (best)%n", names[i], best[i]);
    }
}
