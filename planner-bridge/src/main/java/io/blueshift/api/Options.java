package io.blueshift.api;

import io.blueshift.gpu.offload.GpuMode;
import io.blueshift.hwprofiles.HardwareProfile;
import io.blueshift.hwprofiles.TuningParameters;

/**
 * Session settings. Defaults come from the detected hardware: threads = effective cores,
 * batch rows from the L2 size, hash partition bits from the L2 size (see
 * {@link TuningParameters}), memory limit = 75% of the memory available to the process.
 * {@code hashPartitionBits} goes to each query's {@code ExecutionContext}: the radix bits of a
 * hash join's build for a table of about a million rows (0..12; the join scales it by size).
 * {@code gpuCacheBytes}: device memory the session keeps table columns in across queries
 * (the GPU column cache): 0 for none, -1 (the default) for half the device's memory.
 */
public record Options(int threads, int batchRows, long memoryLimit, long queryMemoryLimit, GpuMode gpu,
                      int hashPartitionBits, long gpuCacheBytes) {
    public Options {
        if (gpuCacheBytes < -1) {
            throw new IllegalArgumentException("gpu cache bytes must be 0 or more (or -1 for the default), got " + gpuCacheBytes);
        }
        java.util.Objects.requireNonNull(gpu, "gpu is null");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (batchRows <= 0 || (batchRows & 63) != 0) {
            throw new IllegalArgumentException("batch rows must be a positive multiple of 64, got " + batchRows);
        }
        if (memoryLimit <= 0 || queryMemoryLimit <= 0) {
            throw new IllegalArgumentException("memory limits must be positive");
        }
        if (hashPartitionBits < 0 || hashPartitionBits > 12) {
            throw new IllegalArgumentException("hash partition bits must be 0..12, got " + hashPartitionBits);
        }
    }

    /** The default GPU column cache (half the device's memory). */
    public Options(int threads, int batchRows, long memoryLimit, long queryMemoryLimit, GpuMode gpu, int hashPartitionBits) {
        this(threads, batchRows, memoryLimit, queryMemoryLimit, gpu, hashPartitionBits, -1);
    }

    /** Hash partition bits by the detected machine's rule. */
    public Options(int threads, int batchRows, long memoryLimit, long queryMemoryLimit, GpuMode gpu) {
        this(threads, batchRows, memoryLimit, queryMemoryLimit, gpu, DetectedBits.BITS);
    }

    /** The detected machine's partition-bits rule, computed once. */
    private static final class DetectedBits {
        static final int BITS = TuningParameters.derive(HardwareProfile.detect()).hashPartitionBits();
    }

    /** gpu=auto: offload where the cost model says it pays, when a device exists. */
    public Options(int threads, int batchRows, long memoryLimit, long queryMemoryLimit) {
        this(threads, batchRows, memoryLimit, queryMemoryLimit, GpuMode.AUTO);
    }

    public static Options defaults() {
        HardwareProfile hw = HardwareProfile.detect();
        TuningParameters t = TuningParameters.derive(hw);
        long ram = hw.memoryBytes() > 0 ? hw.memoryBytes() / 4 * 3 : 16L << 30;
        return fromTuning(t, ram);
    }

    /** A profile's tuning (threads, batch rows, hash partition bits) with both memory limits {@code memoryLimit}, gpu=auto. */
    public static Options fromTuning(TuningParameters t, long memoryLimit) {
        return new Options(t.threads(), t.batchRows(), memoryLimit, memoryLimit, GpuMode.AUTO, t.hashPartitionBits());
    }

    public Options withThreads(int n) { return new Options(n, batchRows, memoryLimit, queryMemoryLimit, gpu, hashPartitionBits, gpuCacheBytes); }
    public Options withBatchRows(int n) { return new Options(threads, n, memoryLimit, queryMemoryLimit, gpu, hashPartitionBits, gpuCacheBytes); }
    public Options withMemoryLimit(long bytes) { return new Options(threads, batchRows, bytes, Math.min(queryMemoryLimit, bytes), gpu, hashPartitionBits, gpuCacheBytes); }
    public Options withQueryMemoryLimit(long bytes) { return new Options(threads, batchRows, memoryLimit, bytes, gpu, hashPartitionBits, gpuCacheBytes); }
    /** gpu=on (offload all that can run there; an error without a device), off, or auto. */
    public Options withGpu(GpuMode mode) { return new Options(threads, batchRows, memoryLimit, queryMemoryLimit, mode, hashPartitionBits, gpuCacheBytes); }
    /** Radix bits of hash join builds (0..12), for a table of about a million rows. */
    public Options withHashPartitionBits(int bits) { return new Options(threads, batchRows, memoryLimit, queryMemoryLimit, gpu, bits, gpuCacheBytes); }
    /** Device memory for the GPU column cache: 0 for none, -1 for half the device's memory. */
    public Options withGpuCacheBytes(long bytes) { return new Options(threads, batchRows, memoryLimit, queryMemoryLimit, gpu, hashPartitionBits, bytes); }
}
