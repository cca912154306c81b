package io.blueshift.simd;

import io.blueshift.kernels.Kernels;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/** Skips a property container when the Vector API provider does not load on this JVM. */
public final class RequiresVectorized implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        return Kernels.vectorized().isPresent()
                ? SkipResult.doNotSkip()
                : SkipResult.skip("assumption failed: no vectorized kernel provider (jdk.incubator.vector not added?)");
    }
}
