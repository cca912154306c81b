/*
 * What mixing segment classes at one kernel call site costs in C2 code (bench/RESULTS.md, "Session 7:
 * segment kinds and the kernels' compiled code"). ScalarHashKernels.hashInt64 and ScalarArithmeticKernels
 * .multiplyInt64 with a selection, 8192 rows, 4000 calls a round; modes: pure (off-heap only), mixed (every
 * 4th call of the first 3 rounds with long[] heap segments), mixed3 (heap long[] and byte[] as well: three
 * classes). Prints ns per row per round; rounds 3-5 all run off-heap segments.
 *   javac -d /tmp/scm -cp "cli/target/lib/*" bench/results/SegmentClassMix.java
 *   java -cp "cli/target/lib/*:/tmp/scm" SegmentClassMix pure|mixed|mixed3
 */
import java.lang.foreign.*;
import io.blueshift.kernels.*;
public class SegmentClassMix {
    public static void main(String[] a) {
        String mode = a[0];
        int n = 8192;
        Arena ar = Arena.ofShared();
        MemorySegment data = ar.allocate(n * 8L, 64), b = ar.allocate(n * 8L, 64), out = ar.allocate(n * 8L, 64), sel = ar.allocate(n * 4L, 64);
        MemorySegment heapOut = MemorySegment.ofArray(new long[n]);
        MemorySegment heapB = MemorySegment.ofArray(new long[n]);
        MemorySegment heapSel = MemorySegment.ofArray(new int[n]);
        MemorySegment byteOut = MemorySegment.ofArray(new byte[n * 8]);
        for (int i = 0; i < n; i++) { data.setAtIndex(ValueLayout.JAVA_LONG, i, i * 7L); b.setAtIndex(ValueLayout.JAVA_LONG, i, 3); sel.setAtIndex(ValueLayout.JAVA_INT, i, (i * 5) % n); heapSel.setAtIndex(ValueLayout.JAVA_INT, i, (i * 5) % n); }
        HashKernels h = ScalarHashKernels.INSTANCE; ArithmeticKernels m = ScalarArithmeticKernels.INSTANCE;
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < 4000; r++) {
                MemorySegment o = out, bb = b, s = sel;
                if (mode.equals("mixed") && round < 3 && (r & 3) == 0) { o = heapOut; bb = heapB; s = heapSel; }
                if (mode.equals("mixed3") && round < 3 && (r & 3) == 0) { o = (r & 4) == 0 ? heapOut : byteOut; bb = heapB; s = heapSel; }
                h.hashInt64(data, null, s, n, o);
                m.multiplyInt64(data, bb, null, null, s, n, o);
            }
            System.out.printf("%s round %d %.3f ns/row%n", mode, round, (System.nanoTime() - t0) / (4000.0 * n * 2));
        }
    }
}
