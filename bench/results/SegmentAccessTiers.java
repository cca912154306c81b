/*
 * Cost of MemorySegment.getAtIndex/get per element by compiler tier (bench/RESULTS.md, "Session 7:
 * segment kinds and the kernels' compiled code"): A = JAVA_LONG, U = JAVA_LONG_UNALIGNED, G = get(layout, offset).
 *   javac -d /tmp/sat bench/results/SegmentAccessTiers.java
 *   java -XX:TieredStopAtLevel=3 -XX:-UseOnStackReplacement -cp /tmp/sat SegmentAccessTiers   (C1 with profiling)
 *   java -XX:TieredStopAtLevel=1 ... / java -XX:-TieredCompilation ... (C1 plain / C2)
 */
import java.lang.foreign.*;
public class SegmentAccessTiers {
    static final ValueLayout.OfLong AL = ValueLayout.JAVA_LONG, UL = ValueLayout.JAVA_LONG_UNALIGNED;
    static long sumA(MemorySegment s, int n) { long t = 0; for (int i = 0; i < n; i++) t += s.getAtIndex(AL, i); return t; }
    static long sumU(MemorySegment s, int n) { long t = 0; for (int i = 0; i < n; i++) t += s.getAtIndex(UL, i); return t; }
    static long sumG(MemorySegment s, int n) { long t = 0; for (int i = 0; i < n; i++) t += s.get(UL, (long) i << 3); return t; }
    public static void main(String[] a) {
        int n = 8192;
        MemorySegment s = Arena.global().allocate(n * 8L, 64);
        MemorySegment h = MemorySegment.ofArray(new long[n]);
        boolean mix = a.length > 0;
        for (int round = 0; round < 5; round++) {
            for (String k : new String[]{"A", "U", "G"}) {
                long t0 = System.nanoTime(); long t = 0;
                for (int r = 0; r < 300; r++) {
                    MemorySegment x = mix && (r & 1) == 0 ? h : s;
                    t += k.equals("A") ? sumA(x, n) : k.equals("U") ? sumU(x, n) : sumG(x, n);
                }
                System.out.printf("%s %s %.1f ns/elem %d%n", round, k, (System.nanoTime() - t0) / (300.0 * n), t);
            }
        }
    }
}
