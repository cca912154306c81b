package io.blueshift.gpu;

import io.blueshift.hwprofiles.GpuDetector;

/** {@code profile detect}'s GPU line: what the CUDA driver reports, without opening a device. */
public final class GpuDetection implements GpuDetector {
    @Override
    public Report detect() {
        Discovery d = Accelerators.describeCuda();
        if (d.devices().isEmpty()) return Report.none(d.reason());
        return new Report(d.devices().stream().map(DeviceInfo::toDetectorDevice).toList(), d.reason());
    }
}
