package io.blueshift.bench.kernels;

import io.blueshift.kernels.KernelProvider;
import io.blueshift.kernels.Kernels;

/** The benchmarks' {@code provider} parameter: {@code scalar} or {@code simd}. */
public final class BenchProviders {
    private BenchProviders() { }

    public static KernelProvider byName(String name) {
        return switch (name) {
            case "scalar" -> Kernels.scalar();
            case "simd" -> Kernels.vectorized().orElseThrow(() -> new IllegalStateException(
                    "simd provider unavailable: run the JVM with --add-modules jdk.incubator.vector"));
            default -> throw new IllegalArgumentException("unknown provider '" + name + "' (scalar or simd)");
        };
    }
}
