package io.blueshift.api;

import io.blueshift.hwprofiles.HardwareProfile;
import io.blueshift.hwprofiles.TuningParameters;

/**
 * Session settings. Defaults come from the detected hardware: threads = effective cores,
 * batch rows from the L2 size, memory limit = 75% of the memory available to the process.
 */
public record Options(int threads, int batchRows, long memoryLimit, long queryMemoryLimit) {
    public Options {
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

    public static Options defaults() {
        HardwareProfile hw = HardwareProfile.detect();
        TuningParameters t = TuningParameters.derive(hw);
        long ram = hw.memoryBytes() > 0 ? hw.memoryBytes() / 4 * 3 : 16L << 30;
        return new Options(t.threads(), t.batchRows(), ram, ram);
    }

    public Options withThreads(int n) { return new Options(n, batchRows, memoryLimit, queryMemoryLimit); }
    public Options withBatchRows(int n) { return new Options(threads, n, memoryLimit, queryMemoryLimit); }
    public Options withMemoryLimit(long bytes) { return new Options(threads, batchRows, bytes, Math.min(queryMemoryLimit, bytes)); }
    public Options withQueryMemoryLimit(long bytes) { return new Options(threads, batchRows, memoryLimit, bytes); }
}
