package io.blueshift.cli;

import io.blueshift.hwprofiles.HardwareProfile;
import io.blueshift.hwprofiles.NamedProfiles;
import io.blueshift.hwprofiles.Profile;
import io.blueshift.kernels.VectorizedKernelsFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Detection the hw-profiles module cannot do alone: the Vector API's preferred width (asked of
 * the simd module's factory, so only it touches the incubator module), and where the user's
 * calibrated profile lives ({@code -Dblueshift.profile.file} overrides it, for tests).
 */
final class ProfileSupport {

    private ProfileSupport() { }

    /** Preferred vector width in bits and how it was found; bits is -1 with the reason when unknown. */
    record VectorWidth(int bits, String note) { }

    static VectorWidth vectorWidth() {
        try {
            for (VectorizedKernelsFactory f : ServiceLoader.load(VectorizedKernelsFactory.class, ProfileSupport.class.getClassLoader())) {
                return new VectorWidth(f.preferredVectorBits(), "preferred species of the Vector API");
            }
            return new VectorWidth(-1, "unknown: no simd module on the class path");
        } catch (LinkageError | RuntimeException e) {
            return new VectorWidth(-1, "unknown: the Vector API is not available (run with --add-modules jdk.incubator.vector)");
        }
    }

    static HardwareProfile detect() {
        return HardwareProfile.detect().withVectorBits(vectorWidth().bits());
    }

    static Path userProfilePath() {
        String override = System.getProperty("blueshift.profile.file");
        return override != null ? Path.of(override) : NamedProfiles.userProfilePath(System.getenv());
    }

    static Profile auto() {
        return NamedProfiles.auto(detect(), userProfilePath());
    }

    static Profile resolve(String nameOrFile) {
        return NamedProfiles.resolve(nameOrFile, ProfileSupport::auto);
    }

    /** The hardware as label/value rows, for a human table. */
    static List<String[]> hardwareRows(HardwareProfile h, boolean detected) {
        List<String[]> rows = new ArrayList<>();
        rows.add(row("cpu model", h.cpuModel()));
        rows.add(row("logical cores", count(h.logicalCores())));
        rows.add(row("physical cores", count(h.physicalCores())));
        String quota = h.cpuQuotaCores() > 0 ? String.format(Locale.ROOT, " (cgroup CPU quota %.2f)", h.cpuQuotaCores())
                : detected ? " (no cgroup CPU limit)" : "";
        rows.add(row("effective cores", count(h.effectiveCores()) + quota));
        rows.add(row("L1d cache", size(h.l1dBytes())));
        rows.add(row("L2 cache", size(h.l2Bytes())));
        rows.add(row("L3 cache", size(h.l3Bytes())));
        rows.add(row("cache line", h.cacheLineBytes() > 0 ? h.cacheLineBytes() + " B" : "unknown"));
        rows.add(row("memory", size(h.memoryBytes()) + (detected ? " (RAM, or the cgroup limit if smaller)" : "")));
        rows.add(row("NUMA nodes", count(h.numaNodes())));
        String vec = h.vectorBits() > 0
                ? h.vectorBits() + " bits; integer vectors " + (h.fastIntegerVectors().orElse(false)
                        ? "fast (>= " + HardwareProfile.FAST_VECTOR_BITS + " bits)" : "slow (< " + HardwareProfile.FAST_VECTOR_BITS + " bits)")
                : "unknown";
        rows.add(row("vector width", vec));
        return rows;
    }

    static String[] row(String... cells) {
        return cells;
    }

    static String count(int n) {
        return n > 0 ? Integer.toString(n) : "unknown";
    }

    static String size(long bytes) {
        return io.blueshift.hwprofiles.TuningParameters.bytes(bytes);
    }

    /** Aligned columns, two spaces apart; the first row is a header when {@code header}. */
    static String table(List<String[]> rows, boolean header) {
        int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) width[c] = Math.max(width[c], r[c].length());
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                line.append(c + 1 < r.length ? String.format(Locale.ROOT, "%-" + width[c] + "s  ", r[c]) : r[c]);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (header && i == 0) {
                int total = 0;
                for (int c = 0; c < cols; c++) total += c + 1 < cols ? width[c] + 2 : r[c].length();
                sb.append("-".repeat(total)).append('\n');
            }
        }
        return sb.toString();
    }
}
