package io.blueshift.cli;

import io.blueshift.hwprofiles.HardwareProfile;
import io.blueshift.hwprofiles.TuningParameters;
import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;
import io.blueshift.memory.MemoryPool;
import picocli.CommandLine.Option;

/** Options every engine command shares: threads, memory limits, kernels. */
final class EngineOptions {
    @Option(names = "--threads", split = ",", paramLabel = "N",
            description = "Worker threads the session's queries share (default: the effective core count); "
                    + "bench tpch takes a list, e.g. 1,2.")
    java.util.List<Integer> threads;

    @Option(names = "--memory-limit", paramLabel = "SIZE",
            description = "Limit on all off-heap memory, data included, e.g. 8g (default: 75%% of RAM).")
    String memoryLimit;

    @Option(names = "--query-memory-limit", paramLabel = "SIZE",
            description = "Limit on the memory one query may use, e.g. 512m (default: the memory limit).")
    String queryMemoryLimit;

    @Option(names = "--simd", paramLabel = "auto|simd|scalar",
            description = "Kernel implementation: Vector API (simd), scalar twins, or auto (default).")
    String simd;

    @Option(names = "--batch-rows", description = "Rows per batch (default: from the profile: calibrated, or derived from the L2 cache size).")
    Integer batchRows;

    @Option(names = "--hash-partition-bits", paramLabel = "BITS",
            description = "Radix bits of hash join builds for a table of about a million rows, 0..12 (default: from the profile: "
                    + "calibrated, or derived from the L2 cache size).")
    Integer hashPartitionBits;

    @Option(names = "--profile", paramLabel = "NAME|FILE",
            description = "Hardware profile for the default batch rows, hash partition bits and threads: auto (this machine, calibrated if "
                    + "`profile calibrate` ran; the default), ra3.xlplus, ra3.4xlarge, ra3.16xlarge, aqua, laptop, or a profile file. "
                    + "--batch-rows, --hash-partition-bits and --threads win over it.")
    String profile;

    @Option(names = "--gpu", paramLabel = "on|off|auto",
            description = "Offload filters and joins to a CUDA GPU: auto (when the cost model says it pays; the default), "
                    + "on (whatever can run there; an error without a device) or off.")
    String gpu;

    @Option(names = "--gpu-cache", paramLabel = "SIZE",
            description = "Device memory for keeping table columns on the GPU across queries (e.g. 8g; 0 = off); "
                    + "the default is half the device's memory.")
    String gpuCache;

    private TuningParameters tuning;

    /** The chosen profile's tuning, resolved once. */
    TuningParameters tuning() {
        if (tuning == null) {
            tuning = ProfileSupport.resolve(profile == null ? "auto" : profile).tuning();
        }
        return tuning;
    }

    /** Applies --simd before any kernel is looked up, and returns the chosen provider. */
    KernelProvider kernels() {
        if (simd != null) {
            String s = simd.toLowerCase();
            if (!s.equals("auto") && !s.equals("simd") && !s.equals("scalar")) {
                throw new IllegalArgumentException("--simd must be auto, simd or scalar, got '" + simd + "'");
            }
            System.setProperty(Kernels.PROPERTY, s);
        }
        return Kernels.provider();
    }

    MemoryPool rootPool() {
        long limit;
        if (memoryLimit != null) {
            limit = MemoryPool.parseSize(memoryLimit);
        } else {
            long ram = HardwareProfile.detect().memoryBytes();
            limit = ram > 0 ? ram / 4 * 3 : 16L << 30;
        }
        return MemoryPool.root("blueshift", limit);
    }

    long queryLimit(MemoryPool root) {
        return queryMemoryLimit == null ? root.limit() : MemoryPool.parseSize(queryMemoryLimit);
    }

    int batchRows() {
        int rows = batchRows != null ? batchRows : tuning().batchRows();
        if (rows <= 0 || (rows & 63) != 0) {
            throw new IllegalArgumentException("--batch-rows must be a positive multiple of 64, got " + rows);
        }
        return rows;
    }

    /** These options as a session's settings. */
    io.blueshift.api.Options sessionOptions() {
        kernels();
        MemoryPool probe = rootPool();
        long limit = probe.limit();
        probe.close();
        long queryLimit = queryMemoryLimit == null ? limit : MemoryPool.parseSize(queryMemoryLimit);
        return new io.blueshift.api.Options(threads(), batchRows(), limit, queryLimit, gpuMode(), hashPartitionBits(),
                gpuCache == null ? -1 : MemoryPool.parseSize(gpuCache));
    }

    int hashPartitionBits() {
        int bits = hashPartitionBits != null ? hashPartitionBits : tuning().hashPartitionBits();
        if (bits < 0 || bits > 12) {
            throw new IllegalArgumentException("--hash-partition-bits must be 0..12, got " + bits);
        }
        return bits;
    }

    io.blueshift.gpu.offload.GpuMode gpuMode() {
        return gpu == null ? io.blueshift.gpu.offload.GpuMode.AUTO : io.blueshift.gpu.offload.GpuMode.parse(gpu);
    }

    /** Set by commands that run each of several thread counts (bench tpch). */
    boolean threadListAllowed;

    /** The one thread count (the first of a list, which only bench tpch accepts). */
    int threads() {
        if (threads != null && threads.size() > 1 && !threadListAllowed) {
            throw new IllegalArgumentException("--threads takes one number here, got " + threads + " (a list is for bench tpch)");
        }
        return threadCounts().getFirst();
    }

    /** The thread counts given (bench tpch runs each), or the default count alone. */
    java.util.List<Integer> threadCounts() {
        java.util.List<Integer> counts = threads == null || threads.isEmpty() ? java.util.List.of(tuning().threads()) : threads;
        for (int t : counts) {
            if (t < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + t);
            }
        }
        return counts;
    }
}
