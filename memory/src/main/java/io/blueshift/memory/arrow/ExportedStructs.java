package io.blueshift.memory.arrow;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The producer side of release: one upcall stub per struct kind, and a registry from the
 * token we store in {@code private_data} to what the export must free.
 *
 * <p>A parent struct and its children share one {@link Export}. The spec lets a consumer move
 * a child out and release it on its own, so each struct's release only marks itself released
 * (and the parent's also releases children still in place); the resources are freed when the
 * last of them is released. That keeps every buffer alive as long as any struct can reach it.
 */
final class ExportedStructs {
    private static final System.Logger LOG = System.getLogger(ExportedStructs.class.getName());

    private static final Map<Long, Node> NODES = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT_TOKEN = new AtomicLong(1);
    private static final AtomicInteger LIVE = new AtomicInteger();
    private static final AtomicLong STRAY_RELEASES = new AtomicLong();

    /** {@code void release(struct ArrowArray*)}, valid for the life of the JVM. */
    static final MemorySegment ARRAY_RELEASE;
    /** {@code void release(struct ArrowSchema*)}. */
    static final MemorySegment SCHEMA_RELEASE;

    static {
        try {
            Linker linker = Linker.nativeLinker();
            FunctionDescriptor signature = FunctionDescriptor.ofVoid(ADDRESS);
            MethodType type = MethodType.methodType(void.class, MemorySegment.class);
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle array = lookup.findStatic(ExportedStructs.class, "releaseArray", type);
            MethodHandle schema = lookup.findStatic(ExportedStructs.class, "releaseSchema", type);
            ARRAY_RELEASE = linker.upcallStub(array, signature, Arena.global());
            SCHEMA_RELEASE = linker.upcallStub(schema, signature, Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private ExportedStructs() {}

    /** What one export (a parent struct plus its children) holds until all are released. */
    static final class Export {
        private final String what;
        private final List<AutoCloseable> resources = new ArrayList<>();
        private final AtomicInteger pending = new AtomicInteger();
        private boolean registered;

        Export(String what) {
            this.what = what;
        }

        /** Frees {@code resource} when the export is released (in reverse order of adding). */
        <T extends AutoCloseable> T own(T resource) {
            resources.add(resource);
            return resource;
        }

        /** Registers one struct of this export; its token goes in {@code private_data}. */
        MemorySegment register(boolean parent) {
            if (!registered) {
                registered = true;
                LIVE.incrementAndGet();
            }
            pending.incrementAndGet();
            long token = NEXT_TOKEN.getAndIncrement();
            NODES.put(token, new Node(this, parent));
            return MemorySegment.ofAddress(token);
        }

        private void releasedOne() {
            if (pending.decrementAndGet() == 0) {
                free();
                LIVE.decrementAndGet();
            }
        }

        /** Frees everything now; for an export that failed before it was handed over. */
        void abandon(List<MemorySegment> tokens) {
            for (MemorySegment t : tokens) {
                NODES.remove(t.address());
            }
            free();
            if (registered) {
                LIVE.decrementAndGet();
            }
        }

        private void free() {
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.ERROR, "freeing " + what + " failed", e);
                }
            }
            resources.clear();
        }
    }

    private record Node(Export export, boolean parent) {}

    /** Releases of structs we did not export or had released already; tests assert none. */
    static long strayReleases() {
        return STRAY_RELEASES.get();
    }

    /** Exports whose structs are not all released yet. */
    static int live() {
        return LIVE.get();
    }

    // Called from native code: must never throw, or the JVM dies.
    private static void releaseArray(MemorySegment struct) {
        try {
            release(struct.reinterpret(ArrowArray.BYTES), ArrowArray.BYTES, ArrowArray.RELEASE,
                    ArrowArray.PRIVATE_DATA, ArrowArray.N_CHILDREN, ArrowArray.CHILDREN);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "ArrowArray release failed", t);
        }
    }

    private static void releaseSchema(MemorySegment struct) {
        try {
            release(struct.reinterpret(ArrowSchema.BYTES), ArrowSchema.BYTES, ArrowSchema.RELEASE,
                    ArrowSchema.PRIVATE_DATA, ArrowSchema.N_CHILDREN, ArrowSchema.CHILDREN);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "ArrowSchema release failed", t);
        }
    }

    /** Releases the struct in {@code s}, which has the given field offsets. */
    static void release(MemorySegment s, long structBytes, long releaseAt, long privateAt,
                        long nChildrenAt, long childrenAt) {
        if (s.get(ADDRESS, releaseAt).address() == 0) {
            return; // already released: the spec makes a second call a no-op
        }
        Node node = NODES.remove(s.get(ADDRESS, privateAt).address());
        if (node == null) {
            STRAY_RELEASES.incrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "release of an Arrow struct this process did not export (or released twice)");
            s.set(ADDRESS, releaseAt, MemorySegment.NULL);
            return;
        }
        if (node.parent()) {
            long n = s.get(JAVA_LONG, nChildrenAt);
            MemorySegment children = s.get(ADDRESS, childrenAt).reinterpret(n * ADDRESS.byteSize());
            for (long i = 0; i < n; i++) {
                MemorySegment child = children.getAtIndex(ADDRESS, i).reinterpret(structBytes);
                // a child the consumer moved out has release == NULL here
                release(child, structBytes, releaseAt, privateAt, nChildrenAt, childrenAt);
            }
        }
        s.set(ADDRESS, releaseAt, MemorySegment.NULL);
        node.export().releasedOne();
    }
}
