package io.blueshift.operators.join;

import io.blueshift.memory.Allocation;
import io.blueshift.memory.MemoryPool;

/**
 * Per-thread probe scratch as plain Java arrays (hashes, candidates, probe positions, chain
 * steps), grown to the largest batch seen and accounted against the query's pool.
 */
final class JoinScratch implements AutoCloseable {
    private final MemoryPool pool;
    private Allocation account;
    long[] hashes = new long[0];
    int[] cand = new int[0];
    int[] pos = new int[0];
    int[] activeIndex = new int[0];
    int[] buildRow = new int[0];
    int[] passIndex = new int[0];
    int[] passBuild = new int[0];
    /** Rows kept by the key bitmap (when it is not pushed down to the pipeline's start). */
    int[] kept = new int[0];
    byte[] matched = new byte[0];

    JoinScratch(MemoryPool pool) {
        this.pool = pool;
    }

    /** Room for {@code n} rows in every array. */
    void ensure(int n) {
        if (cand.length >= n) {
            return;
        }
        int cap = Math.max(n, cand.length * 2);
        Allocation grown = pool.reserveExternal(cap * (8L + 7 * 4 + 1), "hash join probe scratch");
        if (account != null) {
            account.close();
        }
        account = grown;
        hashes = new long[cap];
        cand = new int[cap];
        pos = new int[cap];
        activeIndex = new int[cap];
        buildRow = new int[cap];
        passIndex = new int[cap];
        passBuild = new int[cap];
        kept = new int[cap];
        matched = new byte[cap];
    }

    @Override
    public void close() {
        if (account != null) {
            account.close();
            account = null;
        }
    }
}
