package io.blueshift.memory.arrow;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct ArrowArray} of the Arrow C Data Interface, as an FFM layout:
 * <pre>
 *   int64_t length; int64_t null_count; int64_t offset; int64_t n_buffers; int64_t n_children;
 *   const void** buffers; struct ArrowArray** children; struct ArrowArray* dictionary;
 *   void (*release)(struct ArrowArray*); void* private_data;
 * </pre>
 * 80 bytes on 64-bit platforms; the static accessors read one field of a struct.
 */
public final class ArrowArray {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("length"),
            JAVA_LONG.withName("null_count"),
            JAVA_LONG.withName("offset"),
            JAVA_LONG.withName("n_buffers"),
            JAVA_LONG.withName("n_children"),
            ADDRESS.withName("buffers"),
            ADDRESS.withName("children"),
            ADDRESS.withName("dictionary"),
            ADDRESS.withName("release"),
            ADDRESS.withName("private_data")).withName("ArrowArray");

    public static final long BYTES = LAYOUT.byteSize();

    static final long LENGTH = offset("length");
    static final long NULL_COUNT = offset("null_count");
    static final long OFFSET = offset("offset");
    static final long N_BUFFERS = offset("n_buffers");
    static final long N_CHILDREN = offset("n_children");
    static final long BUFFERS = offset("buffers");
    static final long CHILDREN = offset("children");
    static final long DICTIONARY = offset("dictionary");
    static final long RELEASE = offset("release");
    static final long PRIVATE_DATA = offset("private_data");

    private ArrowArray() {}

    private static long offset(String field) {
        return LAYOUT.byteOffset(groupElement(field));
    }

    /** A zeroed (released) struct in {@code arena}, for a consumer to pass to a producer. */
    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }

    /** The struct at a native address, e.g. Arrow Java's {@code ArrowArray.memoryAddress()}. */
    public static MemorySegment at(long address) {
        if (address == 0) {
            throw new IllegalArgumentException("ArrowArray address is NULL");
        }
        return MemorySegment.ofAddress(address).reinterpret(BYTES);
    }

    public static long length(MemorySegment a) { return a.get(JAVA_LONG, LENGTH); }
    public static long nullCount(MemorySegment a) { return a.get(JAVA_LONG, NULL_COUNT); }
    public static long offset(MemorySegment a) { return a.get(JAVA_LONG, OFFSET); }
    public static long nBuffers(MemorySegment a) { return a.get(JAVA_LONG, N_BUFFERS); }
    public static long nChildren(MemorySegment a) { return a.get(JAVA_LONG, N_CHILDREN); }
    public static MemorySegment dictionary(MemorySegment a) { return a.get(ADDRESS, DICTIONARY); }
    public static MemorySegment release(MemorySegment a) { return a.get(ADDRESS, RELEASE); }
    public static boolean isReleased(MemorySegment a) { return release(a).address() == 0; }

    /** Address of buffer {@code i} (may be NULL, e.g. an absent validity bitmap). */
    public static long buffer(MemorySegment a, long i) {
        long n = nBuffers(a);
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("buffer " + i + " of an array with " + n + " buffers");
        }
        MemorySegment buffers = a.get(ADDRESS, BUFFERS).reinterpret(n * ADDRESS.byteSize());
        return buffers.getAtIndex(ADDRESS, i).address();
    }

    /** Child {@code i} as a struct-sized segment. */
    public static MemorySegment child(MemorySegment a, long i) {
        long n = nChildren(a);
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("child " + i + " of an array with " + n + " children");
        }
        MemorySegment children = a.get(ADDRESS, CHILDREN).reinterpret(n * ADDRESS.byteSize());
        return children.getAtIndex(ADDRESS, i).reinterpret(BYTES);
    }
}
