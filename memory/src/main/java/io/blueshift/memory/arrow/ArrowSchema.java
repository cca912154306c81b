package io.blueshift.memory.arrow;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct ArrowSchema} of the Arrow C Data Interface, as an FFM layout:
 * <pre>
 *   const char* format; const char* name; const char* metadata; int64_t flags;
 *   int64_t n_children; struct ArrowSchema** children; struct ArrowSchema* dictionary;
 *   void (*release)(struct ArrowSchema*); void* private_data;
 * </pre>
 * 72 bytes on 64-bit platforms; the static accessors read and write one field of a struct.
 */
public final class ArrowSchema {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ADDRESS.withName("format"),
            ADDRESS.withName("name"),
            ADDRESS.withName("metadata"),
            JAVA_LONG.withName("flags"),
            JAVA_LONG.withName("n_children"),
            ADDRESS.withName("children"),
            ADDRESS.withName("dictionary"),
            ADDRESS.withName("release"),
            ADDRESS.withName("private_data")).withName("ArrowSchema");

    public static final long BYTES = LAYOUT.byteSize();

    /** {@code ARROW_FLAG_DICTIONARY_ORDERED}, {@code ARROW_FLAG_NULLABLE}, {@code ARROW_FLAG_MAP_KEYS_SORTED}. */
    public static final long FLAG_DICTIONARY_ORDERED = 1;
    public static final long FLAG_NULLABLE = 2;
    public static final long FLAG_MAP_KEYS_SORTED = 4;

    static final long FORMAT = offset("format");
    static final long NAME = offset("name");
    static final long METADATA = offset("metadata");
    static final long FLAGS = offset("flags");
    static final long N_CHILDREN = offset("n_children");
    static final long CHILDREN = offset("children");
    static final long DICTIONARY = offset("dictionary");
    static final long RELEASE = offset("release");
    static final long PRIVATE_DATA = offset("private_data");

    private ArrowSchema() {}

    private static long offset(String field) {
        return LAYOUT.byteOffset(groupElement(field));
    }

    /** A zeroed (released) struct in {@code arena}, for a consumer to pass to a producer. */
    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }

    /** The struct at a native address, e.g. Arrow Java's {@code ArrowSchema.memoryAddress()}. */
    public static MemorySegment at(long address) {
        if (address == 0) {
            throw new IllegalArgumentException("ArrowSchema address is NULL");
        }
        return MemorySegment.ofAddress(address).reinterpret(BYTES);
    }

    public static String format(MemorySegment s) { return cString(s.get(ADDRESS, FORMAT)); }
    public static String name(MemorySegment s) { return cString(s.get(ADDRESS, NAME)); }
    public static long flags(MemorySegment s) { return s.get(JAVA_LONG, FLAGS); }
    public static long nChildren(MemorySegment s) { return s.get(JAVA_LONG, N_CHILDREN); }
    public static MemorySegment dictionary(MemorySegment s) { return s.get(ADDRESS, DICTIONARY); }
    public static MemorySegment release(MemorySegment s) { return s.get(ADDRESS, RELEASE); }
    public static boolean isReleased(MemorySegment s) { return release(s).address() == 0; }

    /** Child {@code i} as a struct-sized segment. */
    public static MemorySegment child(MemorySegment s, long i) {
        long n = nChildren(s);
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("child " + i + " of a schema with " + n + " children");
        }
        MemorySegment children = s.get(ADDRESS, CHILDREN).reinterpret(n * ADDRESS.byteSize());
        return children.getAtIndex(ADDRESS, i).reinterpret(BYTES);
    }

    static String cString(MemorySegment p) {
        return p.address() == 0 ? null : p.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
