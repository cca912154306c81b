package io.blueshift.gpu;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What looking for a device found: an opened accelerator, or none and the reason. */
public record Discovery(Optional<Accelerator> accelerator, List<DeviceInfo> devices, String reason) {
    public Discovery {
        Objects.requireNonNull(accelerator, "accelerator is null");
        devices = List.copyOf(devices);
        Objects.requireNonNull(reason, "reason is null");
    }

    public static Discovery none(String reason) {
        return new Discovery(Optional.empty(), List.of(), reason);
    }

    public static Discovery found(Accelerator a, List<DeviceInfo> devices) {
        return new Discovery(Optional.of(a), devices, "found " + a.device().name() + " (" + a.backend() + ")");
    }

    public boolean available() {
        return accelerator.isPresent();
    }
}
