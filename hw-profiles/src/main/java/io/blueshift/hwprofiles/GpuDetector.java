package io.blueshift.hwprofiles;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Finds the GPUs of this machine. The gpu module implements it (it binds the CUDA driver);
 * hw-profiles cannot depend on that module, so it finds the implementation with
 * {@link ServiceLoader}. Absent is normal: the report then says why.
 */
public interface GpuDetector {

    /** Never throws: a missing driver or library is a report with no devices and the reason. */
    Report detect();

    /** One device as the driver describes it; {@code -1} where unknown. */
    record Device(String name, long memoryBytes, int multiprocessors, String computeCapability,
                  double pcieGBs, double memoryGBs) {
        public Device {
            Objects.requireNonNull(name, "name is null");
            Objects.requireNonNull(computeCapability, "computeCapability is null");
        }

        public String summary() {
            StringBuilder sb = new StringBuilder(name).append(" (").append(TuningParameters.bytes(memoryBytes));
            if (multiprocessors > 0) sb.append(", ").append(multiprocessors).append(" SMs");
            sb.append(", compute ").append(computeCapability);
            if (memoryGBs > 0) sb.append(String.format(Locale.ROOT, ", ~%.0f GB/s memory", memoryGBs));
            if (pcieGBs > 0) sb.append(String.format(Locale.ROOT, ", ~%.0f GB/s host link", pcieGBs));
            return sb.append(')').toString();
        }
    }

    /** The devices found, or none and the reason. */
    record Report(List<Device> devices, String reason) {
        public Report {
            devices = List.copyOf(devices);
            Objects.requireNonNull(reason, "reason is null");
        }

        public static Report none(String reason) {
            return new Report(List.of(), reason);
        }

        public boolean found() {
            return !devices.isEmpty();
        }

        /** "none (reason)" or the devices, one summary each, separated by "; ". */
        public String summary() {
            if (devices.isEmpty()) return "none (" + reason + ")";
            return String.join("; ", devices.stream().map(Device::summary).toList());
        }
    }

    /** Asks the first detector on the class path; none there: no gpu module in this build. */
    static Report detectAny() {
        try {
            for (GpuDetector d : ServiceLoader.load(GpuDetector.class, GpuDetector.class.getClassLoader())) {
                return d.detect();
            }
        } catch (java.util.ServiceConfigurationError | LinkageError | RuntimeException e) {
            return Report.none("GPU detection failed: " + e);
        }
        return Report.none("this build has no gpu module");
    }
}
