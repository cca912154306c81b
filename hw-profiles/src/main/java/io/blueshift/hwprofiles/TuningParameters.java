package io.blueshift.hwprofiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Sizes and switches the engine runs with, derived from a {@link HardwareProfile} by the rules
 * below, or taken from a {@link Calibration} where one measured it. A rule whose input is
 * unknown uses the value {@link #defaults()} would give. {@link #derive(HardwareProfile,
 * Optional, Optional)} also says, per parameter, which rule or measurement chose it.
 *
 * <ul>
 *   <li>{@code batchRows}: the L2 rule: the largest power of two such that a batch of 8
 *       columns of 8 bytes ({@code 64 * batchRows} bytes) fits in half of L2, so a pipeline's
 *       working batch stays in L2 beside its hash-table probes; clamped to {@code [1024,
 *       65536]}. Unknown L2: assume {@value #ASSUMED_L2_BYTES} bytes. A calibration's sweep
 *       (a mixed scan, filter, join-probe and aggregation pipeline at each batch size) only
 *       confirms it: {@link #confirmBatchRows} keeps the rule's size unless another size ran
 *       more than {@value #BATCH_OVERRIDE_PERCENT}% faster (then the fastest); the profile stores
 *       that choice.</li>
 *   <li>{@code morselRows}: {@code 64 * batchRows}: a morsel is big enough that scheduling
 *       costs little next to its work, small enough that many morsels balance the threads.</li>
 *   <li>{@code hashPartitionBits}: the fewest radix bits such that one partition of a
 *       1M-row hash table at {@value #HASH_ENTRY_BYTES} bytes per entry (hash/key + row
 *       reference) fits in L2: {@code ceil(log2(16 MiB / L2))}, clamped to {@code [0, 12]}.
 *       (Not calibrated yet: the sweep needs the partitioned hash join.)</li>
 *   <li>{@code threads}: the effective cores (logical cores capped by the cgroup CPU quota);
 *       unknown: the JVM's {@code availableProcessors()}.</li>
 *   <li>{@code simd}: calibrated when the filter kernel was timed both ways (SIMD if it was at
 *       least as fast); else SIMD when the preferred vector is at least
 *       {@value HardwareProfile#FAST_VECTOR_BITS} bits, scalar when narrower, and SIMD (the
 *       kernel lookup's own check decides) when unknown.</li>
 *   <li>{@code offloadMinRows}: {@code -1} (never offload) without an accelerator; else the
 *       accelerator's own threshold from the profile.</li>
 * </ul>
 */
public record TuningParameters(int batchRows, int morselRows, int hashPartitionBits, int threads,
                               boolean simd, long offloadMinRows) {

    static final int MIN_BATCH_ROWS = 1024;
    static final int MAX_BATCH_ROWS = 65536;
    static final int BATCH_COLUMNS = 8;
    static final int BATCH_VALUE_BYTES = 8;
    static final int BATCHES_PER_MORSEL = 64;
    static final long HASH_TABLE_ROWS = 1L << 20;
    static final int HASH_ENTRY_BYTES = 16;
    static final int MAX_PARTITION_BITS = 12;
    static final long ASSUMED_L2_BYTES = 512 * 1024;
    /** How much faster (percent of the rule's time) a swept batch size must be to replace the L2 rule's. */
    public static final int BATCH_OVERRIDE_PERCENT = 10;

    public TuningParameters {
        if (batchRows <= 0 || morselRows < batchRows || hashPartitionBits < 0 || threads <= 0 || offloadMinRows < -1) {
            throw new IllegalArgumentException("bad tuning parameters: batchRows=" + batchRows
                    + " morselRows=" + morselRows + " hashPartitionBits=" + hashPartitionBits + " threads=" + threads
                    + " offloadMinRows=" + offloadMinRows);
        }
    }

    /** SIMD on, no accelerator. */
    public TuningParameters(int batchRows, int morselRows, int hashPartitionBits, int threads) {
        this(batchRows, morselRows, hashPartitionBits, threads, true, -1);
    }

    /** One parameter's value and the rule or measurement that chose it. */
    public record Choice(String parameter, String value, String source) { }

    /** The parameters and, in the same order as their components, why each has its value. */
    public record Derivation(TuningParameters parameters, List<Choice> choices) {
        public Derivation {
            choices = List.copyOf(choices);
        }
    }

    /** What the engine runs with when nothing was detected. */
    public static TuningParameters defaults() {
        return derive(new HardwareProfile("unknown", -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1));
    }

    public static TuningParameters derive(HardwareProfile profile) {
        return derive(profile, Optional.empty(), Optional.empty()).parameters();
    }

    public static Derivation derive(HardwareProfile profile, Optional<Accelerator> accelerator,
                                    Optional<Calibration> calibration) {
        List<Choice> why = new ArrayList<>();
        boolean l2Known = profile.l2Bytes() > 0;
        long l2 = l2Known ? profile.l2Bytes() : ASSUMED_L2_BYTES;
        String l2Text = l2Known ? "L2 " + bytes(l2) : "L2 unknown, assumed " + bytes(l2);

        int ruleBatch = ruleBatchRows(l2);
        int batchRows = ruleBatch;
        Calibration cal = calibration.orElse(null);
        if (cal != null && cal.batchRows() > 0) {
            batchRows = cal.batchRows();
            String best = cal.point(batchRows).map(p -> String.format(Locale.ROOT, " (%.1f ms)", p.millis())).orElse("");
            String rulePoint = cal.point(ruleBatch).map(p -> String.format(Locale.ROOT, " (%.1f ms)", p.millis())).orElse("");
            String verdict = batchRows == ruleBatch
                    ? "the L2 rule's " + ruleBatch + rulePoint + " confirmed (no other size more than " + BATCH_OVERRIDE_PERCENT
                            + "% faster)"
                    : batchRows + best + " measured faster than the L2 rule's " + ruleBatch + rulePoint;
            why.add(new Choice("batchRows", Integer.toString(batchRows), "measured: " + verdict + ", sweep of "
                    + cal.batchSweep().size() + " batch sizes on " + cal.sweepWorkload() + ", calibrated " + cal.date()));
        } else {
            why.add(new Choice("batchRows", Integer.toString(batchRows), "rule: largest 2^k with 8 cols x 8 B x rows <= L2/2 ("
                    + l2Text + "), clamped to [" + MIN_BATCH_ROWS + ", " + MAX_BATCH_ROWS + "]"));
        }
        int morselRows = batchRows * BATCHES_PER_MORSEL;
        why.add(new Choice("morselRows", Integer.toString(morselRows), "rule: " + BATCHES_PER_MORSEL + " x batchRows"));

        int ruleBits = rulePartitionBits(profile.l2Bytes());
        int bits = ruleBits;
        if (cal != null && cal.hashPartitionBits() >= 0) {
            bits = cal.hashPartitionBits();
            String best = cal.partitionPoint(bits).map(p -> String.format(Locale.ROOT, " (%.1f ms)", p.millis())).orElse("");
            why.add(new Choice("hashPartitionBits", Integer.toString(bits), "measured: fastest of " + cal.partitionSweep().size()
                    + " partition-bit counts on " + cal.joinWorkload() + best + ", calibrated " + cal.date()
                    + "; the L2 rule alone gives " + ruleBits));
        } else {
            why.add(new Choice("hashPartitionBits", Integer.toString(bits), "rule: ceil(log2(1M rows x " + HASH_ENTRY_BYTES
                    + " B / L2)) (" + l2Text + "), clamped to [0, " + MAX_PARTITION_BITS + "]"));
        }

        int threads;
        if (profile.effectiveCores() > 0) {
            threads = profile.effectiveCores();
            String quota = profile.cpuQuotaCores() > 0
                    ? String.format(Locale.ROOT, ", capped by the cgroup CPU quota of %.2f cores", profile.cpuQuotaCores()) : "";
            why.add(new Choice("threads", Integer.toString(threads), "rule: effective cores (" + profile.logicalCores()
                    + " logical" + quota + ")"));
        } else {
            threads = Runtime.getRuntime().availableProcessors();
            why.add(new Choice("threads", Integer.toString(threads), "rule: cores unknown, the JVM's availableProcessors()"));
        }

        boolean simd;
        Optional<Boolean> measured = cal == null ? Optional.empty() : cal.simdFaster();
        if (measured.isPresent()) {
            simd = measured.get();
            why.add(new Choice("simd", Boolean.toString(simd), String.format(Locale.ROOT,
                    "measured: filter kernel %.1f GB/s SIMD vs %.1f GB/s scalar, calibrated %s",
                    cal.filterSimdGBs(), cal.filterScalarGBs(), cal.date())));
        } else if (profile.vectorBits() > 0) {
            simd = profile.vectorBits() >= HardwareProfile.FAST_VECTOR_BITS;
            why.add(new Choice("simd", Boolean.toString(simd), "rule: preferred vector " + profile.vectorBits() + " bits "
                    + (simd ? ">= " : "< ") + HardwareProfile.FAST_VECTOR_BITS));
        } else {
            simd = true;
            why.add(new Choice("simd", "true", "rule: vector width unknown; the kernel lookup checks it at start-up"));
        }

        long offload = accelerator.map(Accelerator::offloadMinRows).orElse(-1L);
        why.add(new Choice("offloadMinRows", Long.toString(offload), accelerator
                .map(a -> "profile: " + a.kind() + " accelerator (" + String.join(", ", a.operations())
                        + ") takes inputs of at least this many rows")
                .orElse("rule: no accelerator, never offload (-1)")));

        return new Derivation(new TuningParameters(batchRows, morselRows, bits, threads, simd, offload), why);
    }

    /** The L2 rule for batch rows alone (what calibration compares its sweep with). */
    public static int ruleBatchRows(long l2Bytes) {
        long l2 = l2Bytes > 0 ? l2Bytes : ASSUMED_L2_BYTES;
        long fit = l2 / 2 / (BATCH_COLUMNS * BATCH_VALUE_BYTES);
        return (int) Math.clamp(Long.highestOneBit(Math.max(fit, 1)), MIN_BATCH_ROWS, MAX_BATCH_ROWS);
    }

    /**
     * The batch rows a calibration keeps from its sweep: the L2 rule's {@code ruleRows} when it
     * was not swept or ran within {@value #BATCH_OVERRIDE_PERCENT}% of the fastest point
     * (differences that small are inside what a short sweep resolves, and the sweep's workload
     * is a stand-in for real queries); else the fastest point. Empty sweep: {@code ruleRows}.
     */
    public static int confirmBatchRows(List<Calibration.SweepPoint> sweep, int ruleRows) {
        Calibration.SweepPoint fastest = null;
        Calibration.SweepPoint rule = null;
        for (Calibration.SweepPoint p : sweep) {
            if (fastest == null || p.millis() < fastest.millis()) fastest = p;
            if (p.batchRows() == ruleRows) rule = p;
        }
        if (fastest == null || rule == null) return ruleRows;
        return fastest.millis() * (100 + BATCH_OVERRIDE_PERCENT) < rule.millis() * 100 ? fastest.batchRows() : ruleRows;
    }

    /** The L2 rule for hash partition bits alone (what calibration compares its sweep with). */
    public static int rulePartitionBits(long l2Bytes) {
        long l2 = l2Bytes > 0 ? l2Bytes : ASSUMED_L2_BYTES;
        return Math.clamp(ceilLog2(ceilDiv(HASH_TABLE_ROWS * HASH_ENTRY_BYTES, l2)), 0, MAX_PARTITION_BITS);
    }

    /** Sizes as people read them: 512 KiB, 2 MiB, 1.5 GiB; "unknown" for -1. */
    public static String bytes(long b) {
        if (b < 0) return "unknown";
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        String n = String.format(Locale.ROOT, "%.2f", v).replaceAll("\\.?0+$", "");
        return n + " " + units[u];
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static int ceilLog2(long x) {
        return x <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(x - 1);
    }
}
