package io.blueshift.operators.limit;

import io.blueshift.kernels.Kernels;
import io.blueshift.memory.DataType;
import io.blueshift.memory.Field;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.operators.exec.ExecutionContext;
import io.blueshift.operators.exec.MaterializedResult;
import io.blueshift.operators.plan.PlanNode;
import io.blueshift.operators.plan.QueryExecutor;
import io.blueshift.storage.InMemoryTable;
import io.blueshift.storage.TableBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LIMIT without ORDER BY streams: it never holds more than the rows it keeps. */
class LimitOperatorTest {
    @ParameterizedTest(name = "threads {0}")
    @ValueSource(ints = {1, 2, 4})
    void limitStopsEarlyAndFitsASmallPool(int threads) {
        try (MemoryPool data = MemoryPool.unbounded("data")) {
            Schema schema = Schema.of(new Field("v", DataType.INT64, false));
            InMemoryTable table;
            try (TableBuilder b = new TableBuilder(data, "t", schema, 1024)) {
                for (int i = 0; i < 200_000; i++) {
                    b.setLong(0, i);
                    b.endRow();
                }
                table = b.build();
            }
            PlanNode plan = new PlanNode.Limit(new PlanNode.Scan(table, new int[] {0}), 3, 5);
            // collecting all 200,000 rows would need 1.6 MB; the limit needs a few KiB
            try (MemoryPool query = MemoryPool.root("query", 256 * 1024)) {
                ExecutionContext ctx = new ExecutionContext(query, Kernels.provider(), 64, threads);
                try (MaterializedResult r = new QueryExecutor(ctx).execute(plan)) {
                    List<List<Object>> rows = r.rows();
                    assertEquals(5, rows.size());
                    Set<Object> distinct = new HashSet<>();
                    for (List<Object> row : rows) {
                        distinct.add(row.getFirst());
                        long v = (Long) row.getFirst();
                        assertTrue(v >= 0 && v < 200_000);
                    }
                    assertEquals(5, distinct.size());
                }
            }
            table.close();
        }
    }
}
