package io.blueshift.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The lookup honours -Dblueshift.simd and finds this module's provider through the SPI. */
class KernelsLookupTest {
    @Test
    void providerFollowsTheFlag() {
        String mode = System.getProperty(Kernels.PROPERTY, "auto");
        KernelProvider chosen = Kernels.provider();
        switch (mode) {
            case "scalar" -> assertSame(Kernels.scalar(), chosen);
            case "simd" -> assertSame(Kernels.vectorized().orElseThrow(), chosen);
            default -> {
                boolean wide = Kernels.vectorized().isPresent() && SimdSpecies.BITS >= 256;
                assertEquals(wide ? Kernels.vectorized().get() : Kernels.scalar(), chosen);
            }
        }
    }

    @Test
    void vectorizedProviderNamesItsWidth() {
        Assumptions.assumeTrue(Kernels.vectorized().isPresent(), "no vectorized kernel provider (jdk.incubator.vector not added?)");
        assertTrue(Kernels.vectorized().get().name().startsWith("simd ("), Kernels.vectorized().get().name());
    }
}
