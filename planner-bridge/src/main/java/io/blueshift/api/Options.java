package io.blueshift.api;

import io.blueshift.gpu.offload.GpuMode;
import io.blueshift.hwprofiles.HardwareProfile;
import io.blueshift.hwprofiles.TuningParameters;

/**
 * Session settings. Defaults come from the detected hardware: threads = effective cores,
 * batch rows from the L2 size, memory limit = 75% of the memory available to the process.
 */
public record Options(int threads, int batchRows, long memoryLimit, long queryMemoryLimit, GpuMode gpu) {
    public Options {
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
    }

    /** gpu=auto: offload where the cost model says it pays, when a device exists. */
    public Options(int threads, int batchRows, long memoryLimit, long queryMemoryLimit) {
        this(threads, batchRows, memoryLimit, queryMemoryLimit, GpuMode.AUTO);
    }

    public static Options defaults() {
        HardwareProfile hw = HardwareProfile.detect();
        TuningParameters t = TuningParameters.derive(hw);
        long ram = hw.memoryBytes() > 0 ? hw.memoryBytes() / 4 * 3 : 16L << 30;
        return new Options(t.threads(), t.batchRows(), ram, ram);
    }

    public Options withThreads(int n) { return new Options(n, batchRows, memoryLimit, queryMemoryLimit, gpu); }
    public Options withBatchRows(int n) { return new Options(threads, n, memoryLimit, queryMemoryLimit, gpu); }
    public Options withMemoryLimit(long bytes) { return new Options(threads, batchRows, bytes, Math.min(queryMemoryLimit, bytes), gpu); }
    public Options withQueryMemoryLimit(long bytes) { return new Options(threads, batchRows, memoryLimit, bytes, gpu); }
    /** gpu=on (offload all that can run there; an error without a device), off, or auto. */
    public Options withGpu(GpuMode mode) { return new Options(threads, batchRows, memoryLimit, queryMemoryLimit, mode); }
}
