package io.blueshift.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Loads every kind of memory segment and memory session the engine uses before any query
 * runs. The JIT compiles segment accesses (and the kernels that inline them) on the
 * assumption that the segment and session classes loaded so far are all there are; the
 * first load of another one, such as the first heap segment of the first GROUP BY, throws
 * away every compiled method that relied on it: in a benchmark of TPC-H Q6 then Q1 that was
 * ~100 compiled methods at once, the Vector API kernels among them, which then ran
 * interpreted (tens of times slower) until compiled again. Loaded up front, the class
 * hierarchy never changes under compiled code.
 */
final class SegmentKinds {
    private static volatile long sink;

    private SegmentKinds() {}

    /** Called once, from {@link MemoryPool}'s class initialisation. */
    static void load() {
        long s = 0;
        // heap segments of every array kind, and their session
        MemorySegment[] heap = {
                MemorySegment.ofArray(new byte[8]), MemorySegment.ofArray(new short[4]),
                MemorySegment.ofArray(new char[4]), MemorySegment.ofArray(new int[2]),
                MemorySegment.ofArray(new long[1]), MemorySegment.ofArray(new float[2]),
                MemorySegment.ofArray(new double[1]),
        };
        try (Arena confined = Arena.ofConfined(); Arena shared = Arena.ofShared()) {
            MemorySegment[] offHeap = {
                    confined.allocate(8, 8), shared.allocate(8, 8), Arena.ofAuto().allocate(8, 8),
                    Arena.global().allocate(8, 8),
            };
            for (MemorySegment h : heap) {
                for (MemorySegment o : offHeap) {
                    MemorySegment.copy(h, 0, o, 0, 8);
                    MemorySegment.copy(o, 0, h, 0, 8);
                }
                s += h.get(ValueLayout.JAVA_BYTE, 0) + h.asSlice(0, 4).byteSize();
            }
        }
        // file mappings (CSV) are a subclass of the native segment class: load it without mapping a file
        try {
            Class.forName("jdk.internal.foreign.MappedMemorySegmentImpl", false, MemorySegment.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // another JDK's internals: nothing to preload
        }
        sink = s;
    }
}
