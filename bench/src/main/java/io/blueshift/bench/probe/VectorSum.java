package io.blueshift.bench.probe;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The probe's Vector API loop; loaded only when {@code jdk.incubator.vector} is present. */
final class VectorSum {
    private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;

    private VectorSum() { }

    /** Four vector accumulators so the loop waits on memory, not on the add latency. */
    static long sum(MemorySegment data, long count) {
        int lanes = SPECIES.length();
        long step = 4L * lanes;
        LongVector a0 = LongVector.zero(SPECIES), a1 = a0, a2 = a0, a3 = a0;
        ByteOrder order = ByteOrder.nativeOrder();
        long i = 0;
        for (; i + step <= count; i += step) {
            long off = i * 8;
            a0 = a0.add(LongVector.fromMemorySegment(SPECIES, data, off, order));
            a1 = a1.add(LongVector.fromMemorySegment(SPECIES, data, off + lanes * 8L, order));
            a2 = a2.add(LongVector.fromMemorySegment(SPECIES, data, off + 2 * lanes * 8L, order));
            a3 = a3.add(LongVector.fromMemorySegment(SPECIES, data, off + 3 * lanes * 8L, order));
        }
        long s = a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
        for (; i < count; i++) {
            s += data.get(java.lang.foreign.ValueLayout.JAVA_LONG, i * 8);
        }
        return s;
    }

    static int bits() {
        return SPECIES.vectorBitSize();
    }
}
