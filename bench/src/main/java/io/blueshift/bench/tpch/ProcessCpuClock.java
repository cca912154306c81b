package io.blueshift.bench.tpch;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * CPU time of the whole process (all threads, native ones included: DuckDB's workers, the JIT,
 * the GC) in nanoseconds, from {@code clock_gettime(CLOCK_PROCESS_CPUTIME_ID)}; the JMX
 * process CPU time counts in scheduler ticks (10 ms), too coarse for one query.
 */
public final class ProcessCpuClock {
    private static final int CLOCK_PROCESS_CPUTIME_ID = 2;
    private static final MethodHandle CLOCK_GETTIME = lookup();

    private ProcessCpuClock() {}

    private static MethodHandle lookup() {
        try {
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                return null;
            }
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("clock_gettime")
                    .map(f -> linker.downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Process CPU nanoseconds so far, or -1 where they cannot be read. */
    public static long nanos() {
        if (CLOCK_GETTIME == null) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            int rc = (int) CLOCK_GETTIME.invokeExact(CLOCK_PROCESS_CPUTIME_ID, ts);
            return rc != 0 ? -1 : ts.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L + ts.get(ValueLayout.JAVA_LONG, 8);
        } catch (Throwable e) {
            return -1;
        }
    }
}
