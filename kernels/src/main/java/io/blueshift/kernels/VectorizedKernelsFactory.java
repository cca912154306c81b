package io.blueshift.kernels;

/**
 * Service interface the simd module implements (registered in its
 * {@code META-INF/services}); {@link Kernels} finds it with {@link java.util.ServiceLoader}.
 * Implementations must load without touching {@code jdk.incubator.vector}: only the methods
 * below may, so a missing incubator module surfaces as a {@link LinkageError} the lookup catches.
 */
public interface VectorizedKernelsFactory {
    /** Bit size of the preferred vector species on this machine (e.g. 512 with AVX-512). */
    int preferredVectorBits();

    /** The vectorized provider; throws if this JVM cannot run it. */
    KernelProvider create();
}
