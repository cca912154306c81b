package io.blueshift.tpch;

import io.blueshift.memory.MemoryPool;
import io.blueshift.storage.Table;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnDemandTpchTest {
    @Test
    void generatesOnFirstReadAndFreesOnClose() throws Exception {
        try (MemoryPool pool = MemoryPool.unbounded("on-demand")) {
            List<Table> tables = OnDemandTpch.tables(0.001, pool, null);
            assertEquals(TpchGenerator.TABLES, tables.stream().map(Table::name).toList());
            assertEquals(TpchGenerator.schema("lineitem"), tables.get(7).schema());
            assertEquals(0, pool.reserved(), "names and schemas need no data");

            assertEquals(25, tables.get(1).rowCount());   // nation: the first read generates all eight
            long all = pool.reserved();
            assertTrue(all > 0);
            assertTrue(tables.get(7).rowCount() > 5000, "lineitem");
            assertEquals(all, pool.reserved(), "generated once");

            for (Table t : tables) {
                ((AutoCloseable) t).close();
            }
            assertEquals(0, pool.reserved());
        }
    }

    @Test
    void tablesAnswerAsInMemorySoScansCutTheirFewBlocks() throws Exception {
        try (MemoryPool pool = MemoryPool.unbounded("on-demand-morsels");
             io.blueshift.operators.exec.WorkerPool workers = new io.blueshift.operators.exec.WorkerPool(2)) {
            List<Table> tables = OnDemandTpch.tables(0.01, pool, null);
            Table customer = tables.get(tables.stream().map(Table::name).toList().indexOf("customer"));
            assertTrue(customer.inMemory());
            assertEquals(1, customer.blockCount(), "1,500 rows: one block");
            var ctx = new io.blueshift.operators.exec.ExecutionContext(pool, io.blueshift.kernels.Kernels.provider(), 256, 2, workers);
            var scan = new io.blueshift.operators.scan.TableScan(customer, new int[] {0}, List.of());
            scan.open(ctx);
            assertEquals(6, scan.morselCount(), "one block cut into ranges of whole 256-row batches for two workers");
            for (Table t : tables) {
                ((AutoCloseable) t).close();
            }
            assertEquals(0, pool.reserved());
        }
    }

    @Test
    void closingBeforeUseFreesNothingAndGeneratesNothing() throws Exception {
        try (MemoryPool pool = MemoryPool.unbounded("on-demand-unused")) {
            for (Table t : OnDemandTpch.tables(0.01, pool, null)) {
                ((AutoCloseable) t).close();
            }
            assertEquals(0, pool.reserved());
        }
    }
}
