package io.blueshift.gpu;

import io.blueshift.gpu.cuda.CudaProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds the process's accelerator once. {@code -Dblueshift.gpu.backend=cuda} (default) asks the
 * CUDA driver; {@code reference} runs the device kernels on the CPU (for testing the offload
 * path without a GPU); {@code none} never offloads. The device stays open for the process.
 */
public final class Accelerators {
    public static final String PROPERTY = "blueshift.gpu.backend";

    private Accelerators() { }

    private static final class Holder {
        static final Discovery DISCOVERY = discover(System.getProperty(PROPERTY, "cuda"));
    }

    /** The process's accelerator (looked for on first use), or none and why. */
    public static Discovery get() {
        return Holder.DISCOVERY;
    }

    /** Looks for a device with the named backend (not cached: each call opens its own). */
    public static Discovery discover(String backend) {
        List<String> known = new ArrayList<>();
        for (AcceleratorProvider p : ServiceLoader.load(AcceleratorProvider.class, Accelerators.class.getClassLoader())) {
            known.add(p.name());
            if (p.name().equals(backend)) {
                try {
                    return p.open();
                } catch (RuntimeException | LinkageError e) {
                    return Discovery.none(backend + " backend failed: " + e);
                }
            }
        }
        if (backend.equals("none")) return Discovery.none("GPU backend turned off (-D" + PROPERTY + "=none)");
        return Discovery.none("no GPU backend '" + backend + "' (known: " + String.join(", ", known) + ", none)");
    }

    /** The devices the CUDA driver reports, without opening one (for {@code profile detect}). */
    public static Discovery describeCuda() {
        return CudaProvider.describe();
    }
}
