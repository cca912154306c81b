package io.blueshift.gpu.offload;

import io.blueshift.operators.plan.NodeOffload;

import java.util.List;

/** Test access to an offload hook's fallback reasons from other packages. */
public final class GpuOffloadAccess {
    private GpuOffloadAccess() { }

    public static List<String> fallbacks(NodeOffload hook) {
        return ((GpuOffload) hook).fallbacks();
    }
}
