package io.blueshift.simd;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.VectorizedKernelsFactory;

/** Service entry for {@code Kernels}; touches the incubator classes only inside its methods. */
public final class SimdKernelsFactory implements VectorizedKernelsFactory {
    @Override
    public int preferredVectorBits() {
        return SimdSpecies.BITS;
    }

    @Override
    public KernelProvider create() {
        if (SimdSpecies.INT.length() > 64) {
            // lane bits come from one 64-bit validity word
            throw new UnsupportedOperationException("vectors wider than 64 int lanes are not supported: " + SimdSpecies.INT);
        }
        return SimdKernelProvider.INSTANCE;
    }
}
