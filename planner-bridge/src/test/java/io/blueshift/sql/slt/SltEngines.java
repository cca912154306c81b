package io.blueshift.sql.slt;

import io.blueshift.api.Blueshift;
import io.blueshift.api.Options;
import io.blueshift.api.Session;
import io.blueshift.bench.duckdb.DuckDbReference;

import java.util.HashMap;
import java.util.Map;

/**
 * A Blueshift session and a DuckDB holding the same tables (the fixtures, plus TPC-H when a
 * file asks for it), opened on first use and shared by every file with the same TPC-H scale.
 */
final class SltEngines implements AutoCloseable {
    private static final long MEMORY_LIMIT = 2L << 30;
    private static final int BATCH_ROWS = 1024;

    record Pair(Session blueshift, DuckDbReference duckdb) {
    }

    private final Map<Double, Pair> byScale = new HashMap<>();
    private final boolean withDuckDb;

    SltEngines(boolean withDuckDb) {
        this.withDuckDb = withDuckDb;
    }

    /** The engines for a file; {@code tpchScale} null for fixtures only. */
    synchronized Pair get(Double tpchScale) {
        Double key = tpchScale == null ? 0.0 : tpchScale;
        Pair p = byScale.get(key);
        if (p == null) {
            p = open(tpchScale);
            byScale.put(key, p);
        }
        return p;
    }

    private Pair open(Double tpchScale) {
        Options defaults = Options.defaults();
        // small batches so the 5,000-row fixture spans several; 4 workers (each query is also run on 1)
        Options options = defaults.withThreads(4).withBatchRows(BATCH_ROWS)
                .withMemoryLimit(MEMORY_LIMIT);
        Session s = Blueshift.open(options);
        try {
            SltFixtures.build(s.dataPool(), s::register);
            if (tpchScale != null) {
                s.loadTpch(tpchScale, null);
            }
            DuckDbReference d = null;
            if (withDuckDb) {
                d = new DuckDbReference();
                // our NULLs sort as the largest value (Calcite's default, as in PostgreSQL)
                d.execute("SET default_null_order = 'nulls_last_on_asc_first_on_desc'");
                d.load(s.catalog(), null, 1);
            }
            return new Pair(s, d);
        } catch (RuntimeException | Error e) {
            s.close();
            throw e;
        }
    }

    @Override
    public synchronized void close() {
        for (Pair p : byScale.values()) {
            if (p.duckdb() != null) {
                p.duckdb().close();
            }
            p.blueshift().close();
        }
        byScale.clear();
    }
}
