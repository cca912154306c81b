package io.blueshift.gpu;

import java.util.List;

/** {@code -Dblueshift.gpu.backend=reference}: the device kernels on the CPU, a simulated device. */
public final class ReferenceProvider implements AcceleratorProvider {
    @Override
    public String name() { return "reference"; }

    @Override
    public Discovery open() {
        ReferenceAccelerator a = new ReferenceAccelerator();
        return Discovery.found(a, List.of(a.device()));
    }
}
