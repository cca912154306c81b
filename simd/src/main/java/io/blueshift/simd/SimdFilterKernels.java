package io.blueshift.simd;

import static io.blueshift.simd.SimdSpecies.ORDER;

import java.lang.foreign.MemorySegment;

import io.blueshift.kernels.BitmapWords;
import io.blueshift.kernels.CompareOp;
import io.blueshift.kernels.FilterKernels;
import io.blueshift.kernels.ScalarFilterKernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dense filters as compare masks ANDed with the rows' validity bits, then {@code compress} of
 * the row ids and one full-vector store at {@code out[k]}: {@code k <= i} keeps that store
 * inside the candidates' room. The last partial vector uses a masked load and store.
 */
final class SimdFilterKernels implements FilterKernels {
    static final SimdFilterKernels INSTANCE = new SimdFilterKernels();

    private static final FilterKernels SCALAR = ScalarFilterKernels.INSTANCE;
    private static final VectorSpecies<Integer> INT = SimdSpecies.INT;
    private static final VectorSpecies<Long> LONG = SimdSpecies.LONG;
    private static final VectorSpecies<Double> DOUBLE = SimdSpecies.DOUBLE;
    private static final VectorSpecies<Integer> ROW_IDS = SimdSpecies.INT_PER_LONG;
    /*
     * The first row ids 0, 1, 2, ... as constants: built in a kernel, IntVector.addIndex ran
     * JDK code shared by both species, whose profile made C2 guess the other species' class
     * (class_check traps and a recompile of the kernel, session 7).
     */
    /*
     * NO_CARRIED_VECTOR: each iteration makes its row ids as FIRST_IDS.add(i), never as the last
     * iteration's ids plus the lane count. A vector carried from one iteration to the next that
     * starts as a static final constant stays boxed in C2's code: a 96-byte allocation per 16 rows
     * (49 KB per 8192-row call), and, depending on the compile, 0.7 or 9-18 ns a row where the
     * uncarried form runs 0.1-0.2 with no allocation (bench/results/FilterKernelAlloc.java;
     * TPC-H Q4 and Q21 ran 3-9x slow for all runs of a thread count in some processes, session 18).
     */
    private static final IntVector FIRST_IDS = IntVector.zero(INT).addIndex(1);
    private static final IntVector FIRST_ROW_IDS = IntVector.zero(ROW_IDS).addIndex(1);

    private SimdFilterKernels() {}

    /*
     * SMALL_BATCHES: a batch smaller than one vector (the tiny tables, the last rows of a
     * selection) goes to the scalar twin. Compiled for batches that always enter the vector
     * loop, the kernel trapped (profile_predicate at the loop test) and was recompiled when
     * such a batch came (session 7).
     */

    private static <E> VectorMask<E> valid(VectorSpecies<E> species, MemorySegment validity, int i) {
        return VectorMask.fromLong(species, BitmapWords.lanes(validity, i, species.length()));
    }

    /** Stores the ids of {@code pass} at {@code out[k]}; returns the new {@code k}. */
    private static int emit(IntVector ids, VectorMask<Integer> pass, MemorySegment out, int k) {
        ids.compress(pass).intoMemorySegment(out, (long) k << 2, ORDER);
        return k + pass.trueCount();
    }

    /** As {@link #emit} for the last partial vector: stores only the passing ids. */
    private static int emitTail(IntVector ids, VectorMask<Integer> pass, MemorySegment out, int k) {
        int n = pass.trueCount();
        ids.compress(pass).intoMemorySegment(out, (long) k << 2, ORDER, ids.species().indexInRange(0, n));
        return k + n;
    }

    /*
     * The same two for the INT64/FLOAT64 kernels' row ids (ROW_IDS, half as many int lanes):
     * shared by both species, one method's profile saw two vector classes and C2 compiled it
     * for one (class_check traps in every filter kernel that inlined it, session 7).
     */

    private static int emitRows(IntVector ids, VectorMask<Integer> pass, MemorySegment out, int k) {
        ids.compress(pass).intoMemorySegment(out, (long) k << 2, ORDER);
        return k + pass.trueCount();
    }

    private static int emitRowsTail(IntVector ids, VectorMask<Integer> pass, MemorySegment out, int k) {
        int n = pass.trueCount();
        ids.compress(pass).intoMemorySegment(out, (long) k << 2, ORDER, ids.species().indexInRange(0, n));
        return k + n;
    }

    /*
     * ONE_SHAPE (session 8): a comparison with a constant runs as a range test, the BETWEEN loop
     * (x < c is x in [MIN, c - 1], x >= c is x in [c, MAX], x = c is [c, c]), and only <> keeps a
     * loop of its own. With the operator switched inside the loop, C2 compiled the loop for the
     * operators seen so far and the next query's operator trapped (unstable_if/profile_predicate)
     * and recompiled it (0.2-1.5 s compiles, session 7). The loops below have no operator in them.
     */

    @Override
    public int compareInt32(CompareOp op, MemorySegment data, MemorySegment validity, int count, int constant, MemorySegment out) {
        if (count < INT.length()) {
            return SCALAR.compareInt32(op, data, validity, count, constant, out); // see SMALL_BATCHES
        }
        return switch (op) {
            case EQ -> betweenInt32(data, validity, count, constant, constant, out);
            case NE -> notEqualInt32(data, validity, count, constant, out);
            case LT -> constant == Integer.MIN_VALUE ? 0 : betweenInt32(data, validity, count, Integer.MIN_VALUE, constant - 1, out);
            case LE -> betweenInt32(data, validity, count, Integer.MIN_VALUE, constant, out);
            case GT -> constant == Integer.MAX_VALUE ? 0 : betweenInt32(data, validity, count, constant + 1, Integer.MAX_VALUE, out);
            case GE -> betweenInt32(data, validity, count, constant, Integer.MAX_VALUE, out);
        };
    }

    private static int notEqualInt32(MemorySegment data, MemorySegment validity, int count, int constant, MemorySegment out) {
        int lanes = INT.length();
        IntVector c = IntVector.broadcast(INT, constant);
        int k = 0;
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            VectorMask<Integer> pass = IntVector.fromMemorySegment(INT, data, (long) i << 2, ORDER).compare(VectorOperators.NE, c);
            if (validity != null) {
                pass = pass.and(valid(INT, validity, i));
            }
            k = emit(FIRST_IDS.add(i), pass, out, k);
        }
        if (i < count) {
            VectorMask<Integer> inRange = INT.indexInRange(i, count);
            VectorMask<Integer> pass = IntVector.fromMemorySegment(INT, data, (long) i << 2, ORDER, inRange).compare(VectorOperators.NE, c)
                    .and(inRange).and(valid(INT, validity, i));
            k = emitTail(FIRST_IDS.add(i), pass, out, k);
        }
        return k;
    }

    @Override
    public int betweenInt32(MemorySegment data, MemorySegment validity, int count, int low, int high, MemorySegment out) {
        int lanes = INT.length();
        if (count < lanes) {
            return SCALAR.betweenInt32(data, validity, count, low, high, out); // see SMALL_BATCHES
        }
        IntVector lo = IntVector.broadcast(INT, low);
        IntVector hi = IntVector.broadcast(INT, high);
        int full = count >>> 6;
        int k = 0;
        for (int w = 0; w < full; w++) {
            long base = (long) w << 8;
            long word = 0;
            for (int j = 0; j < 64; j += lanes) {
                IntVector v = IntVector.fromMemorySegment(INT, data, base + ((long) j << 2), ORDER);
                word |= v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).toLong() << j;
            }
            if (validity != null) {
                word &= BitmapWords.word(validity, w);
            }
            k = emitWord(word, w << 6, out, k);
        }
        for (int r = full << 6; r < count; r++) {
            int v = data.getAtIndex(I32, r);
            out.setAtIndex(SEL, k, r);
            k += (v >= low && v <= high ? 1 : 0) & BitmapWords.bit(validity, r);
        }
        return k;
    }

    @Override
    public int compareInt64(CompareOp op, MemorySegment data, MemorySegment validity, int count, long constant, MemorySegment out) {
        if (count < LONG.length()) {
            return SCALAR.compareInt64(op, data, validity, count, constant, out); // see SMALL_BATCHES
        }
        return switch (op) {
            case EQ -> betweenInt64(data, validity, count, constant, constant, out);
            case NE -> notEqualInt64(data, validity, count, constant, out);
            case LT -> constant == Long.MIN_VALUE ? 0 : betweenInt64(data, validity, count, Long.MIN_VALUE, constant - 1, out);
            case LE -> betweenInt64(data, validity, count, Long.MIN_VALUE, constant, out);
            case GT -> constant == Long.MAX_VALUE ? 0 : betweenInt64(data, validity, count, constant + 1, Long.MAX_VALUE, out);
            case GE -> betweenInt64(data, validity, count, constant, Long.MAX_VALUE, out);
        };
    }

    private static int notEqualInt64(MemorySegment data, MemorySegment validity, int count, long constant, MemorySegment out) {
        int lanes = LONG.length();
        LongVector c = LongVector.broadcast(LONG, constant);
        int k = 0;
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            VectorMask<Long> pass = LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER).compare(VectorOperators.NE, c);
            if (validity != null) {
                pass = pass.and(valid(LONG, validity, i));
            }
            k = emitRows(FIRST_ROW_IDS.add(i), pass.cast(ROW_IDS), out, k);
        }
        if (i < count) {
            VectorMask<Long> inRange = LONG.indexInRange(i, count);
            VectorMask<Long> pass = LongVector.fromMemorySegment(LONG, data, (long) i << 3, ORDER, inRange).compare(VectorOperators.NE, c)
                    .and(inRange).and(valid(LONG, validity, i));
            k = emitRowsTail(FIRST_ROW_IDS.add(i), pass.cast(ROW_IDS), out, k);
        }
        return k;
    }

    @Override
    public int betweenInt64(MemorySegment data, MemorySegment validity, int count, long low, long high, MemorySegment out) {
        int lanes = LONG.length();
        if (count < lanes) {
            return SCALAR.betweenInt64(data, validity, count, low, high, out); // see SMALL_BATCHES
        }
        LongVector lo = LongVector.broadcast(LONG, low);
        LongVector hi = LongVector.broadcast(LONG, high);
        int full = count >>> 6;
        int k = 0;
        for (int w = 0; w < full; w++) {
            long base = (long) w << 9;
            long word = 0;
            for (int j = 0; j < 64; j += lanes) {
                LongVector v = LongVector.fromMemorySegment(LONG, data, base + ((long) j << 3), ORDER);
                word |= v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).toLong() << j;
            }
            if (validity != null) {
                word &= BitmapWords.word(validity, w);
            }
            k = emitWord(word, w << 6, out, k);
        }
        for (int r = full << 6; r < count; r++) {
            long v = data.getAtIndex(I64, r);
            out.setAtIndex(SEL, k, r);
            k += (v >= low && v <= high ? 1 : 0) & BitmapWords.bit(validity, r);
        }
        return k;
    }

    /**
     * A comparison with a double constant as a closed range with IEEE semantics kept: x < c is
     * x in [-inf, nextDown(c)] (no x below -inf), x > c is [nextUp(c), +inf]; NaN fails every
     * range test as it fails every comparison but <>, and -0.0 = 0.0 holds in both. Null when
     * nothing can pass (x < -inf, x > +inf).
     */
    static double[] range(CompareOp op, double c) {
        return switch (op) {
            case EQ -> new double[] {c, c};
            case LT -> c == Double.NEGATIVE_INFINITY ? null : new double[] {Double.NEGATIVE_INFINITY, Math.nextDown(c)};
            case LE -> new double[] {Double.NEGATIVE_INFINITY, c};
            case GT -> c == Double.POSITIVE_INFINITY ? null : new double[] {Math.nextUp(c), Double.POSITIVE_INFINITY};
            case GE -> new double[] {c, Double.POSITIVE_INFINITY};
            case NE -> throw new IllegalArgumentException("<> is not a range");
        };
    }

    @Override
    public int compareFloat64(CompareOp op, MemorySegment data, MemorySegment validity, int count, double constant, MemorySegment out) {
        if (count < DOUBLE.length()) {
            return SCALAR.compareFloat64(op, data, validity, count, constant, out); // see SMALL_BATCHES
        }
        if (op == CompareOp.NE) {
            return notEqualFloat64(data, validity, count, constant, out);
        }
        double[] r = range(op, constant);
        return r == null ? 0 : betweenFloat64(data, validity, count, r[0], r[1], out);
    }

    private static int notEqualFloat64(MemorySegment data, MemorySegment validity, int count, double constant, MemorySegment out) {
        int lanes = DOUBLE.length();
        DoubleVector c = DoubleVector.broadcast(DOUBLE, constant);
        int k = 0;
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            VectorMask<Double> pass = DoubleVector.fromMemorySegment(DOUBLE, data, (long) i << 3, ORDER).compare(VectorOperators.NE, c);
            if (validity != null) {
                pass = pass.and(valid(DOUBLE, validity, i));
            }
            k = emitRows(FIRST_ROW_IDS.add(i), pass.cast(ROW_IDS), out, k);
        }
        if (i < count) {
            VectorMask<Double> inRange = DOUBLE.indexInRange(i, count);
            VectorMask<Double> pass = DoubleVector.fromMemorySegment(DOUBLE, data, (long) i << 3, ORDER, inRange).compare(VectorOperators.NE, c)
                    .and(inRange).and(valid(DOUBLE, validity, i));
            k = emitRowsTail(FIRST_ROW_IDS.add(i), pass.cast(ROW_IDS), out, k);
        }
        return k;
    }

    @Override
    public int betweenFloat64(MemorySegment data, MemorySegment validity, int count, double low, double high, MemorySegment out) {
        int lanes = DOUBLE.length();
        if (count < lanes) {
            return SCALAR.betweenFloat64(data, validity, count, low, high, out); // see SMALL_BATCHES
        }
        DoubleVector lo = DoubleVector.broadcast(DOUBLE, low);
        DoubleVector hi = DoubleVector.broadcast(DOUBLE, high);
        int full = count >>> 6;
        int k = 0;
        for (int w = 0; w < full; w++) {
            long base = (long) w << 9;
            long word = 0;
            for (int j = 0; j < 64; j += lanes) {
                DoubleVector v = DoubleVector.fromMemorySegment(DOUBLE, data, base + ((long) j << 3), ORDER);
                word |= v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).toLong() << j;
            }
            if (validity != null) {
                word &= BitmapWords.word(validity, w);
            }
            k = emitWord(word, w << 6, out, k);
        }
        for (int r = full << 6; r < count; r++) {
            double v = data.getAtIndex(F64, r);
            out.setAtIndex(SEL, k, r);
            k += (v >= low && v <= high ? 1 : 0) & BitmapWords.bit(validity, r);
        }
        return k;
    }

    /*
     * WORDS (session 10): the dense range kernels test 64 rows into one word of mask bits and
     * then compress the row ids of the word's set bits; compressing straight from each compare's
     * mask ran 2.3-2.5x slower on this machine (6M INT32 rows: 3.8-4.2 ms against 1.7 ms of
     * CPU, at 15% and 98% passing). A word with no row passing stores nothing.
     */

    /** Stores the row ids {@code base + j} of the set bits {@code j} of {@code word} at {@code out[k]}; returns the new {@code k}. */
    private static int emitWord(long word, int base, MemorySegment out, int k) {
        if (word == 0) {
            return k;
        }
        int lanes = INT.length();
        long laneBits = lanes == 64 ? -1L : (1L << lanes) - 1;
        for (int j = 0; j < 64; j += lanes) {
            long part = (word >>> j) & laneBits;
            // k <= base + j: the full store stays inside the candidates' room
            FIRST_IDS.add(base + j).compress(VectorMask.fromLong(INT, part)).intoMemorySegment(out, (long) k << 2, ORDER);
            k += Long.bitCount(part);
        }
        return k;
    }

    // Selected forms. The Vector API cannot gather from a MemorySegment, so when the candidates
    // are dense enough (one per DENSE_SPAN rows or more) the predicate runs as dense SIMD over
    // the rows they span, into a bitmap, and the candidates then just test their bit; sparse
    // selections use the scalar loop, which touches only the candidates.

    private static final int DENSE_SPAN = 8;
    private static final int MIN_DENSE_CANDIDATES = 64;
    private static final java.lang.foreign.ValueLayout.OfInt SEL = java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
    private static final java.lang.foreign.ValueLayout.OfInt I32 = java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
    private static final java.lang.foreign.ValueLayout.OfLong I64 = java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
    private static final java.lang.foreign.ValueLayout.OfDouble F64 = java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ThreadLocal<long[]> PASS_BITS = ThreadLocal.withInitial(() -> new long[256]);

    /** The first candidate's row when a dense pass pays, else -1. */
    private static int denseFirst(MemorySegment sel, int selCount) {
        if (selCount < MIN_DENSE_CANDIDATES) {
            return -1;
        }
        int first = sel.getAtIndex(SEL, 0);
        int last = sel.getAtIndex(SEL, selCount - 1);
        return (long) selCount * DENSE_SPAN >= (long) last - first + 1 ? first : -1;
    }

    private static int span(MemorySegment sel, int selCount, int first) {
        return sel.getAtIndex(SEL, selCount - 1) - first + 1;
    }

    /** A zeroed bitmap of at least {@code span} bits, reused per thread. */
    private static long[] passBits(int span) {
        int words = (span + 63) >>> 6;
        long[] bits = PASS_BITS.get();
        if (bits.length < words) {
            bits = new long[Math.max(words, bits.length * 2)];
            PASS_BITS.set(bits);
        } else {
            java.util.Arrays.fill(bits, 0, words, 0L);
        }
        return bits;
    }

    /** Keeps the candidates whose bit is set and that are valid. */
    private static int collect(MemorySegment sel, int selCount, int first, long[] bits,
                               MemorySegment validity, MemorySegment out) {
        int k = 0;
        if (validity == null) {
            for (int i = 0; i < selCount; i++) {
                int r = sel.getAtIndex(SEL, i);
                int d = r - first;
                out.setAtIndex(SEL, k, r);
                k += (int) (bits[d >>> 6] >>> d) & 1;
            }
        } else {
            for (int i = 0; i < selCount; i++) {
                int r = sel.getAtIndex(SEL, i);
                int d = r - first;
                out.setAtIndex(SEL, k, r);
                k += (int) (bits[d >>> 6] >>> d) & BitmapWords.bit(validity, r);
            }
        }
        return k;
    }

    @Override
    public int compareInt32Selected(CompareOp op, MemorySegment data, MemorySegment validity,
                                    MemorySegment sel, int selCount, int constant, MemorySegment out) {
        return switch (op) { // see ONE_SHAPE
            case EQ -> betweenInt32Selected(data, validity, sel, selCount, constant, constant, out);
            case NE -> notEqualInt32Selected(data, validity, sel, selCount, constant, out);
            case LT -> constant == Integer.MIN_VALUE ? 0 : betweenInt32Selected(data, validity, sel, selCount, Integer.MIN_VALUE, constant - 1, out);
            case LE -> betweenInt32Selected(data, validity, sel, selCount, Integer.MIN_VALUE, constant, out);
            case GT -> constant == Integer.MAX_VALUE ? 0 : betweenInt32Selected(data, validity, sel, selCount, constant + 1, Integer.MAX_VALUE, out);
            case GE -> betweenInt32Selected(data, validity, sel, selCount, constant, Integer.MAX_VALUE, out);
        };
    }

    private static int notEqualInt32Selected(MemorySegment data, MemorySegment validity,
                                             MemorySegment sel, int selCount, int constant, MemorySegment out) {
        int first = denseFirst(sel, selCount);
        if (first < 0) {
            return SCALAR.compareInt32Selected(CompareOp.NE, data, validity, sel, selCount, constant, out);
        }
        int span = span(sel, selCount, first);
        long[] bits = passBits(span);
        IntVector c = IntVector.broadcast(INT, constant);
        int lanes = INT.length();
        int i = 0;
        for (; i <= span - lanes; i += lanes) {
            IntVector v = IntVector.fromMemorySegment(INT, data, (long) (first + i) << 2, ORDER);
            bits[i >>> 6] |= v.compare(VectorOperators.NE, c).toLong() << (i & 63);
        }
        for (; i < span; i++) {
            if (data.getAtIndex(I32, first + i) != constant) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return collect(sel, selCount, first, bits, validity, out);
    }

    @Override
    public int compareInt64Selected(CompareOp op, MemorySegment data, MemorySegment validity,
                                    MemorySegment sel, int selCount, long constant, MemorySegment out) {
        return switch (op) { // see ONE_SHAPE
            case EQ -> betweenInt64Selected(data, validity, sel, selCount, constant, constant, out);
            case NE -> notEqualInt64Selected(data, validity, sel, selCount, constant, out);
            case LT -> constant == Long.MIN_VALUE ? 0 : betweenInt64Selected(data, validity, sel, selCount, Long.MIN_VALUE, constant - 1, out);
            case LE -> betweenInt64Selected(data, validity, sel, selCount, Long.MIN_VALUE, constant, out);
            case GT -> constant == Long.MAX_VALUE ? 0 : betweenInt64Selected(data, validity, sel, selCount, constant + 1, Long.MAX_VALUE, out);
            case GE -> betweenInt64Selected(data, validity, sel, selCount, constant, Long.MAX_VALUE, out);
        };
    }

    private static int notEqualInt64Selected(MemorySegment data, MemorySegment validity,
                                             MemorySegment sel, int selCount, long constant, MemorySegment out) {
        int first = denseFirst(sel, selCount);
        if (first < 0) {
            return SCALAR.compareInt64Selected(CompareOp.NE, data, validity, sel, selCount, constant, out);
        }
        int span = span(sel, selCount, first);
        long[] bits = passBits(span);
        LongVector c = LongVector.broadcast(LONG, constant);
        int lanes = LONG.length();
        int i = 0;
        for (; i <= span - lanes; i += lanes) {
            LongVector v = LongVector.fromMemorySegment(LONG, data, (long) (first + i) << 3, ORDER);
            bits[i >>> 6] |= v.compare(VectorOperators.NE, c).toLong() << (i & 63);
        }
        for (; i < span; i++) {
            if (data.getAtIndex(I64, first + i) != constant) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return collect(sel, selCount, first, bits, validity, out);
    }

    @Override
    public int compareFloat64Selected(CompareOp op, MemorySegment data, MemorySegment validity,
                                      MemorySegment sel, int selCount, double constant, MemorySegment out) {
        if (op == CompareOp.NE) { // see ONE_SHAPE
            return notEqualFloat64Selected(data, validity, sel, selCount, constant, out);
        }
        double[] r = range(op, constant);
        return r == null ? 0 : betweenFloat64Selected(data, validity, sel, selCount, r[0], r[1], out);
    }

    private static int notEqualFloat64Selected(MemorySegment data, MemorySegment validity,
                                               MemorySegment sel, int selCount, double constant, MemorySegment out) {
        int first = denseFirst(sel, selCount);
        if (first < 0) {
            return SCALAR.compareFloat64Selected(CompareOp.NE, data, validity, sel, selCount, constant, out);
        }
        int span = span(sel, selCount, first);
        long[] bits = passBits(span);
        DoubleVector c = DoubleVector.broadcast(DOUBLE, constant);
        int lanes = DOUBLE.length();
        int i = 0;
        for (; i <= span - lanes; i += lanes) {
            DoubleVector v = DoubleVector.fromMemorySegment(DOUBLE, data, (long) (first + i) << 3, ORDER);
            bits[i >>> 6] |= v.compare(VectorOperators.NE, c).toLong() << (i & 63);
        }
        for (; i < span; i++) {
            if (data.getAtIndex(F64, first + i) != constant) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return collect(sel, selCount, first, bits, validity, out);
    }

    @Override
    public int betweenInt32Selected(MemorySegment data, MemorySegment validity,
                                    MemorySegment sel, int selCount, int low, int high, MemorySegment out) {
        int first = denseFirst(sel, selCount);
        if (first < 0) {
            return SCALAR.betweenInt32Selected(data, validity, sel, selCount, low, high, out);
        }
        int span = span(sel, selCount, first);
        long[] bits = passBits(span);
        IntVector lo = IntVector.broadcast(INT, low);
        IntVector hi = IntVector.broadcast(INT, high);
        int lanes = INT.length();
        int i = 0;
        for (; i <= span - lanes; i += lanes) {
            IntVector v = IntVector.fromMemorySegment(INT, data, (long) (first + i) << 2, ORDER);
            bits[i >>> 6] |= v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).toLong() << (i & 63);
        }
        for (; i < span; i++) {
            int v = data.getAtIndex(I32, first + i);
            if (v >= low && v <= high) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return collect(sel, selCount, first, bits, validity, out);
    }

    @Override
    public int betweenInt64Selected(MemorySegment data, MemorySegment validity,
                                    MemorySegment sel, int selCount, long low, long high, MemorySegment out) {
        int first = denseFirst(sel, selCount);
        if (first < 0) {
            return SCALAR.betweenInt64Selected(data, validity, sel, selCount, low, high, out);
        }
        int span = span(sel, selCount, first);
        long[] bits = passBits(span);
        LongVector lo = LongVector.broadcast(LONG, low);
        LongVector hi = LongVector.broadcast(LONG, high);
        int lanes = LONG.length();
        int i = 0;
        for (; i <= span - lanes; i += lanes) {
            LongVector v = LongVector.fromMemorySegment(LONG, data, (long) (first + i) << 3, ORDER);
            bits[i >>> 6] |= v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).toLong() << (i & 63);
        }
        for (; i < span; i++) {
            long v = data.getAtIndex(I64, first + i);
            if (v >= low && v <= high) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return collect(sel, selCount, first, bits, validity, out);
    }

    @Override
    public int betweenFloat64Selected(MemorySegment data, MemorySegment validity,
                                      MemorySegment sel, int selCount, double low, double high, MemorySegment out) {
        int first = denseFirst(sel, selCount);
        if (first < 0) {
            return SCALAR.betweenFloat64Selected(data, validity, sel, selCount, low, high, out);
        }
        int span = span(sel, selCount, first);
        long[] bits = passBits(span);
        DoubleVector lo = DoubleVector.broadcast(DOUBLE, low);
        DoubleVector hi = DoubleVector.broadcast(DOUBLE, high);
        int lanes = DOUBLE.length();
        int i = 0;
        for (; i <= span - lanes; i += lanes) {
            DoubleVector v = DoubleVector.fromMemorySegment(DOUBLE, data, (long) (first + i) << 3, ORDER);
            bits[i >>> 6] |= v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).toLong() << (i & 63);
        }
        for (; i < span; i++) {
            double v = data.getAtIndex(F64, first + i);
            if (v >= low && v <= high) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return collect(sel, selCount, first, bits, validity, out);
    }

    @Override
    public int compareColumnsInt32(CompareOp op, MemorySegment left, MemorySegment leftValidity,
                                   MemorySegment right, MemorySegment rightValidity, MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            return SCALAR.compareColumnsInt32(op, left, leftValidity, right, rightValidity, sel, count, out);
        }
        // see ONE_SHAPE: two loops; the operator becomes the operands' order and a mask XORed in
        return switch (op) {
            case LT -> lessInt32(left, right, leftValidity, rightValidity, count, false, out);
            case GT -> lessInt32(right, left, rightValidity, leftValidity, count, false, out);
            case GE -> lessInt32(left, right, leftValidity, rightValidity, count, true, out);
            case LE -> lessInt32(right, left, rightValidity, leftValidity, count, true, out);
            case EQ -> equalInt32(left, right, leftValidity, rightValidity, count, false, out);
            case NE -> equalInt32(left, right, leftValidity, rightValidity, count, true, out);
        };
    }

    /** {@code a < b}, or its negation, on the rows where both are valid. */
    private static int lessInt32(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                                   int count, boolean negate, MemorySegment out) {
        int lanes = INT.length();
        VectorMask<Integer> flip = INT.maskAll(negate);
        boolean nulls = aValidity != null || bValidity != null;
        int k = 0;
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            VectorMask<Integer> pass = IntVector.fromMemorySegment(INT, a, (long) i << 2, ORDER)
                    .compare(VectorOperators.LT, IntVector.fromMemorySegment(INT, b, (long) i << 2, ORDER)).xor(flip);
            if (nulls) {
                pass = pass.and(valid(INT, aValidity, i)).and(valid(INT, bValidity, i));
            }
            k = emit(FIRST_IDS.add(i), pass, out, k);
        }
        if (i < count) {
            VectorMask<Integer> inRange = INT.indexInRange(i, count);
            VectorMask<Integer> pass = IntVector.fromMemorySegment(INT, a, (long) i << 2, ORDER, inRange)
                    .compare(VectorOperators.LT, IntVector.fromMemorySegment(INT, b, (long) i << 2, ORDER, inRange)).xor(flip)
                    .and(inRange).and(valid(INT, aValidity, i)).and(valid(INT, bValidity, i));
            k = emitTail(FIRST_IDS.add(i), pass, out, k);
        }
        return k;
    }

    /** {@code a = b}, or its negation, on the rows where both are valid. */
    private static int equalInt32(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                                   int count, boolean negate, MemorySegment out) {
        int lanes = INT.length();
        VectorMask<Integer> flip = INT.maskAll(negate);
        boolean nulls = aValidity != null || bValidity != null;
        int k = 0;
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            VectorMask<Integer> pass = IntVector.fromMemorySegment(INT, a, (long) i << 2, ORDER)
                    .compare(VectorOperators.EQ, IntVector.fromMemorySegment(INT, b, (long) i << 2, ORDER)).xor(flip);
            if (nulls) {
                pass = pass.and(valid(INT, aValidity, i)).and(valid(INT, bValidity, i));
            }
            k = emit(FIRST_IDS.add(i), pass, out, k);
        }
        if (i < count) {
            VectorMask<Integer> inRange = INT.indexInRange(i, count);
            VectorMask<Integer> pass = IntVector.fromMemorySegment(INT, a, (long) i << 2, ORDER, inRange)
                    .compare(VectorOperators.EQ, IntVector.fromMemorySegment(INT, b, (long) i << 2, ORDER, inRange)).xor(flip)
                    .and(inRange).and(valid(INT, aValidity, i)).and(valid(INT, bValidity, i));
            k = emitTail(FIRST_IDS.add(i), pass, out, k);
        }
        return k;
    }

    @Override
    public int compareColumnsInt64(CompareOp op, MemorySegment left, MemorySegment leftValidity,
                                   MemorySegment right, MemorySegment rightValidity, MemorySegment sel, int count, MemorySegment out) {
        if (sel != null) {
            return SCALAR.compareColumnsInt64(op, left, leftValidity, right, rightValidity, sel, count, out);
        }
        // see ONE_SHAPE: two loops; the operator becomes the operands' order and a mask XORed in
        return switch (op) {
            case LT -> lessInt64(left, right, leftValidity, rightValidity, count, false, out);
            case GT -> lessInt64(right, left, rightValidity, leftValidity, count, false, out);
            case GE -> lessInt64(left, right, leftValidity, rightValidity, count, true, out);
            case LE -> lessInt64(right, left, rightValidity, leftValidity, count, true, out);
            case EQ -> equalInt64(left, right, leftValidity, rightValidity, count, false, out);
            case NE -> equalInt64(left, right, leftValidity, rightValidity, count, true, out);
        };
    }

    /** {@code a < b}, or its negation, on the rows where both are valid. */
    private static int lessInt64(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                                   int count, boolean negate, MemorySegment out) {
        int lanes = LONG.length();
        VectorMask<Long> flip = LONG.maskAll(negate);
        boolean nulls = aValidity != null || bValidity != null;
        int k = 0;
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            VectorMask<Long> pass = LongVector.fromMemorySegment(LONG, a, (long) i << 3, ORDER)
                    .compare(VectorOperators.LT, LongVector.fromMemorySegment(LONG, b, (long) i << 3, ORDER)).xor(flip);
            if (nulls) {
                pass = pass.and(valid(LONG, aValidity, i)).and(valid(LONG, bValidity, i));
            }
            k = emitRows(FIRST_ROW_IDS.add(i), pass.cast(ROW_IDS), out, k);
        }
        if (i < count) {
            VectorMask<Long> inRange = LONG.indexInRange(i, count);
            VectorMask<Long> pass = LongVector.fromMemorySegment(LONG, a, (long) i << 3, ORDER, inRange)
                    .compare(VectorOperators.LT, LongVector.fromMemorySegment(LONG, b, (long) i << 3, ORDER, inRange)).xor(flip)
                    .and(inRange).and(valid(LONG, aValidity, i)).and(valid(LONG, bValidity, i));
            k = emitRowsTail(FIRST_ROW_IDS.add(i), pass.cast(ROW_IDS), out, k);
        }
        return k;
    }

    /** {@code a = b}, or its negation, on the rows where both are valid. */
    private static int equalInt64(MemorySegment a, MemorySegment b, MemorySegment aValidity, MemorySegment bValidity,
                                   int count, boolean negate, MemorySegment out) {
        int lanes = LONG.length();
        VectorMask<Long> flip = LONG.maskAll(negate);
        boolean nulls = aValidity != null || bValidity != null;
        int k = 0;
        int i = 0;
        for (; i <= count - lanes; i += lanes) {
            VectorMask<Long> pass = LongVector.fromMemorySegment(LONG, a, (long) i << 3, ORDER)
                    .compare(VectorOperators.EQ, LongVector.fromMemorySegment(LONG, b, (long) i << 3, ORDER)).xor(flip);
            if (nulls) {
                pass = pass.and(valid(LONG, aValidity, i)).and(valid(LONG, bValidity, i));
            }
            k = emitRows(FIRST_ROW_IDS.add(i), pass.cast(ROW_IDS), out, k);
        }
        if (i < count) {
            VectorMask<Long> inRange = LONG.indexInRange(i, count);
            VectorMask<Long> pass = LongVector.fromMemorySegment(LONG, a, (long) i << 3, ORDER, inRange)
                    .compare(VectorOperators.EQ, LongVector.fromMemorySegment(LONG, b, (long) i << 3, ORDER, inRange)).xor(flip)
                    .and(inRange).and(valid(LONG, aValidity, i)).and(valid(LONG, bValidity, i));
            k = emitRowsTail(FIRST_ROW_IDS.add(i), pass.cast(ROW_IDS), out, k);
        }
        return k;
    }
    // Range bits: 64 rows per bitmap word, the word's lanes compared a vector at a time and
    // their masks shifted into place; the rows of a word that an earlier column already
    // emptied are not read. The last partial word goes to the scalar twin.

    private static final java.lang.foreign.ValueLayout.OfLong WORD =
            java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    @Override
    public void rangeBitsInt32(MemorySegment data, MemorySegment validity, int count, int low, int high, MemorySegment bits, boolean and) {
        int lanes = INT.length();
        int full = count >>> 6;
        IntVector lo = IntVector.broadcast(INT, low);
        IntVector hi = IntVector.broadcast(INT, high);
        for (int w = 0; w < full; w++) {
            long old = and ? bits.getAtIndex(WORD, w) : -1L;
            if (old == 0) {
                continue;
            }
            long base = (long) w << 8;
            long word = 0;
            for (int j = 0; j < 64; j += lanes) {
                IntVector v = IntVector.fromMemorySegment(INT, data, base + ((long) j << 2), ORDER);
                word |= v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).toLong() << j;
            }
            if (validity != null) {
                word &= BitmapWords.word(validity, w);
            }
            bits.setAtIndex(WORD, w, word & old);
        }
        if (full << 6 < count) {
            SCALAR.rangeBitsInt32(data.asSlice((long) full << 8), validity == null ? null : validity.asSlice((long) full << 3),
                    count - (full << 6), low, high, bits.asSlice((long) full << 3), and);
        }
    }

    @Override
    public void rangeBitsInt64(MemorySegment data, MemorySegment validity, int count, long low, long high, MemorySegment bits, boolean and) {
        int lanes = LONG.length();
        int full = count >>> 6;
        LongVector lo = LongVector.broadcast(LONG, low);
        LongVector hi = LongVector.broadcast(LONG, high);
        for (int w = 0; w < full; w++) {
            long old = and ? bits.getAtIndex(WORD, w) : -1L;
            if (old == 0) {
                continue;
            }
            long base = (long) w << 9;
            long word = 0;
            for (int j = 0; j < 64; j += lanes) {
                LongVector v = LongVector.fromMemorySegment(LONG, data, base + ((long) j << 3), ORDER);
                word |= v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi)).toLong() << j;
            }
            if (validity != null) {
                word &= BitmapWords.word(validity, w);
            }
            bits.setAtIndex(WORD, w, word & old);
        }
        if (full << 6 < count) {
            SCALAR.rangeBitsInt64(data.asSlice((long) full << 9), validity == null ? null : validity.asSlice((long) full << 3),
                    count - (full << 6), low, high, bits.asSlice((long) full << 3), and);
        }
    }
}
