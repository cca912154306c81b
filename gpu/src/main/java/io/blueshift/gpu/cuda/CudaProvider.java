package io.blueshift.gpu.cuda;

import io.blueshift.gpu.AcceleratorProvider;
import io.blueshift.gpu.DeviceInfo;
import io.blueshift.gpu.Discovery;

import java.util.ArrayList;
import java.util.List;

/** Finds CUDA devices through libcuda; opens device 0 (or {@code -Dblueshift.gpu.device=N}). */
public final class CudaProvider implements AcceleratorProvider {
    @Override
    public String name() { return "cuda"; }

    /** The devices and the driver, without opening a context; none (with the reason) when absent. */
    public static Discovery describe() {
        try {
            CudaDriver cu = CudaDriver.load();
            int n = cu.deviceCount();
            if (n == 0) return Discovery.none("the CUDA driver reports no device");
            List<DeviceInfo> devices = new ArrayList<>();
            for (int i = 0; i < n; i++) devices.add(CudaAccelerator.describe(cu, i));
            return new Discovery(java.util.Optional.empty(), devices, "CUDA driver " + version(cu.driverVersion()));
        } catch (NativeLibrary.Unavailable e) {
            return Discovery.none(e.getMessage());
        } catch (CudaException e) {
            return Discovery.none(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return Discovery.none("CUDA driver unusable: " + e);
        }
    }

    static String version(int v) {
        return (v / 1000) + "." + (v % 1000 / 10);
    }

    @Override
    public Discovery open() {
        Discovery d = describe();
        if (d.devices().isEmpty()) return d;
        int ordinal = Integer.getInteger("blueshift.gpu.device", 0);
        if (ordinal < 0 || ordinal >= d.devices().size()) {
            return Discovery.none("blueshift.gpu.device=" + ordinal + " but the driver has " + d.devices().size() + " device(s)");
        }
        try {
            CudaDriver cu = CudaDriver.load();
            return Discovery.found(CudaAccelerator.open(cu, ordinal), d.devices());
        } catch (NativeLibrary.Unavailable e) {
            return Discovery.none(e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return Discovery.none("cannot open " + d.devices().get(ordinal).name() + ": " + e.getMessage());
        }
    }
}
