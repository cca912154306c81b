package io.blueshift.gpu.offload;

import io.blueshift.storage.ColumnIdentity;

import java.util.List;

/**
 * Where one plan node runs and why, in one short phrase for EXPLAIN ("cpu: no device", "gpu: est 3.1 ms vs cpu 9.8 ms");
 * for a filter whose predicate columns the device column cache can keep, {@code cache} says which and whether this run
 * copies the missing ones into it (null otherwise).
 */
public record Decision(boolean gpu, String why, CacheUse cache) {
    public Decision(boolean gpu, String why) {
        this(gpu, why, null);
    }

    /** The predicate columns' identities, in the translation's column order; {@code admit}: misses go into the cache. */
    public record CacheUse(List<ColumnIdentity> columns, boolean admit) {
        public CacheUse {
            columns = List.copyOf(columns);
        }
    }

    static Decision cpu(String reason) {
        return cpu(reason, null);
    }

    static Decision gpu(String reason) {
        return gpu(reason, null);
    }

    static Decision cpu(String reason, CacheUse cache) {
        return new Decision(false, reason.startsWith("cpu:") ? reason : "cpu: " + reason, cache);
    }

    static Decision gpu(String reason, CacheUse cache) {
        return new Decision(true, reason.startsWith("gpu:") ? reason : "gpu: " + reason, cache);
    }
}
