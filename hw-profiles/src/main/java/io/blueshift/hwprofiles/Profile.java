package io.blueshift.hwprofiles;

import java.util.Objects;
import java.util.Optional;

/**
 * A machine to tune for: the detected one ({@code auto}), a named target shipped as a resource
 * (e.g. {@code ra3.4xlarge}), or a profile file. {@code source} says where it came from.
 * The tuning follows from it: {@link #derivation()}.
 */
public record Profile(String name, String description, HardwareProfile hardware,
                      Optional<Accelerator> accelerator, Optional<Calibration> calibration, String source) {
    public Profile {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(description, "description is null");
        Objects.requireNonNull(hardware, "hardware is null");
        Objects.requireNonNull(accelerator, "accelerator is null");
        Objects.requireNonNull(calibration, "calibration is null");
        Objects.requireNonNull(source, "source is null");
    }

    public TuningParameters.Derivation derivation() {
        return TuningParameters.derive(hardware, accelerator, calibration);
    }

    public TuningParameters tuning() {
        return derivation().parameters();
    }

    public Profile withCalibration(Calibration c) {
        return new Profile(name, description, hardware, accelerator, Optional.of(c), source);
    }

    public Profile withSource(String s) {
        return new Profile(name, description, hardware, accelerator, calibration, s);
    }
}
