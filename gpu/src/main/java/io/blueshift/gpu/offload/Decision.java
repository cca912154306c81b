package io.blueshift.gpu.offload;

/** Where one plan node runs and why, in one short phrase for EXPLAIN ("cpu: no device", "gpu: est 3.1 ms vs cpu 9.8 ms"). */
public record Decision(boolean gpu, String why) {
    static Decision cpu(String reason) {
        return new Decision(false, reason.startsWith("cpu:") ? reason : "cpu: " + reason);
    }

    static Decision gpu(String reason) {
        return new Decision(true, reason.startsWith("gpu:") ? reason : "gpu: " + reason);
    }
}
