package io.blueshift.hwprofiles;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What this machine offers the engine: cores, caches and memory, as detected from Linux's
 * {@code /proc} and {@code /sys}. Every size is in bytes; {@code -1} means unknown.
 *
 * <p>{@code memoryBytes} is the smaller of the machine's memory and the cgroup (v1 or v2)
 * memory limit; {@code effectiveCores} is the logical core count capped by the cgroup CPU
 * quota ({@code cpu.max} or {@code cpu.cfs_quota_us}), rounded up as the JVM does.
 * {@code cpuQuotaCores} is that quota as a fraction of cores, {@code -1} when unlimited.
 * {@code numaNodes} counts {@code /sys/devices/system/node/nodeN} entries.
 *
 * <p>{@code vectorBits} is not detected here (that would need {@code jdk.incubator.vector}):
 * the caller that owns the Vector API fills it with {@link #withVectorBits}.
 */
public record HardwareProfile(
        String cpuModel,
        int logicalCores,
        int physicalCores,
        int effectiveCores,
        double cpuQuotaCores,
        long l1dBytes,
        long l2Bytes,
        long l3Bytes,
        int cacheLineBytes,
        long memoryBytes,
        int numaNodes,
        int vectorBits) {

    public static final int UNKNOWN = -1;
    /** Integer vectors narrower than this lose to scalar code (as {@code Kernels} decides). */
    public static final int FAST_VECTOR_BITS = 256;

    public HardwareProfile {
        Objects.requireNonNull(cpuModel, "cpuModel is null");
    }

    /**
     * Detects the running machine. Never throws: unreadable entries become unknown, and when
     * {@code /proc/cpuinfo} cannot be read the core counts come from the JVM.
     */
    public static HardwareProfile detect() {
        HardwareProfile p = detect(Path.of("/"));
        if (p.logicalCores() == UNKNOWN) {
            int jvm = Runtime.getRuntime().availableProcessors();
            p = new HardwareProfile(p.cpuModel(), jvm, p.physicalCores(), jvm, p.cpuQuotaCores(),
                    p.l1dBytes(), p.l2Bytes(), p.l3Bytes(), p.cacheLineBytes(), p.memoryBytes(),
                    p.numaNodes(), p.vectorBits());
        }
        return p;
    }

    /** Detects from a file tree laid out like a Linux root ({@code root/proc}, {@code root/sys}). */
    public static HardwareProfile detect(Path root) {
        return new LinuxHardwareSource(root).read();
    }

    public HardwareProfile withVectorBits(int bits) {
        return new HardwareProfile(cpuModel, logicalCores, physicalCores, effectiveCores, cpuQuotaCores,
                l1dBytes, l2Bytes, l3Bytes, cacheLineBytes, memoryBytes, numaNodes, bits);
    }

    /** Whether integer vectors are wide enough to beat scalar code; empty when the width is unknown. */
    public java.util.Optional<Boolean> fastIntegerVectors() {
        return vectorBits <= 0 ? java.util.Optional.empty() : java.util.Optional.of(vectorBits >= FAST_VECTOR_BITS);
    }
}
