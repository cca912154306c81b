package io.blueshift.memory.arrow;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicInteger;

/** Interposes on an ArrowArray's release callback to count calls, then forwards to the producer's. */
final class CountingRelease implements AutoCloseable {
    private static final MethodHandle CALL = Linker.nativeLinker().downcallHandle(FunctionDescriptor.ofVoid(ADDRESS));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment original;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Throwable failure;

    CountingRelease(MemorySegment array) throws ReflectiveOperationException {
        original = array.get(ADDRESS, ArrowArray.RELEASE);
        MethodHandle target = MethodHandles.lookup()
                .findVirtual(CountingRelease.class, "release", MethodType.methodType(void.class, MemorySegment.class))
                .bindTo(this);
        array.set(ADDRESS, ArrowArray.RELEASE,
                Linker.nativeLinker().upcallStub(target, FunctionDescriptor.ofVoid(ADDRESS), arena));
    }

    private void release(MemorySegment struct) {
        try {
            calls.incrementAndGet();
            MemorySegment s = struct.reinterpret(ArrowArray.BYTES);
            s.set(ADDRESS, ArrowArray.RELEASE, original);
            CALL.invokeExact(original, s);
        } catch (Throwable t) {
            failure = t;
        }
    }

    int calls() {
        if (failure != null) {
            throw new AssertionError("release failed", failure);
        }
        return calls.get();
    }

    @Override
    public void close() {
        arena.close();
    }
}
