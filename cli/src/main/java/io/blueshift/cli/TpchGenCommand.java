package io.blueshift.cli;

import io.blueshift.memory.Batch;
import io.blueshift.memory.MemoryPool;
import io.blueshift.memory.Schema;
import io.blueshift.storage.Table;
import io.blueshift.storage.TableBlock;
import io.blueshift.storage.TableWriter;
import io.blueshift.storage.csv.CsvOptions;
import io.blueshift.storage.csv.CsvWriter;
import io.blueshift.storage.parquet.ParquetWriteOptions;
import io.blueshift.storage.parquet.ParquetWriter;
import io.blueshift.tpch.TpchGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code blueshift tpch gen}: writes the eight TPC-H tables to files, one file per table. */
@Command(name = "gen", mixinStandardHelpOptions = true,
        description = "Generate the TPC-H tables and write them to DIR/<table>.parquet (or .csv).")
final class TpchGenCommand implements Callable<Integer> {
    @Option(names = "--sf", description = "Scale factor (default: ${DEFAULT-VALUE}).")
    double scaleFactor = 1;

    @Option(names = "--format", description = "File format: parquet or csv (with a header; default: ${DEFAULT-VALUE}).")
    String format = "parquet";

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into (created if missing).")
    Path out;

    @Option(names = "--codec", description = "Parquet compression: none, snappy, zstd or gzip (default: ${DEFAULT-VALUE}).")
    String codec = "snappy";

    @Option(names = "--no-dictionary", description = "Write Parquet values PLAIN only, without dictionary encoding.")
    boolean noDictionary;

    @Option(names = "--row-group-rows", description = "Rows per Parquet row group (default: ${DEFAULT-VALUE}).")
    int rowGroupRows = ParquetWriteOptions.DEFAULT_ROW_GROUP_ROWS;

    @Option(names = "--threads", description = "Generator threads (default: the core count).")
    Integer threads;

    @Option(names = "--memory-limit", paramLabel = "SIZE", description = "Limit on the generated data in memory, e.g. 8g (default: unlimited).")
    String memoryLimit;

    @Override
    public Integer call() {
        TpchCli.checkScaleFactor(scaleFactor);
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("parquet") && !fmt.equals("csv")) {
            throw new IllegalArgumentException("--format must be parquet or csv, got '" + format + "'");
        }
        ParquetWriteOptions options = ParquetWriteOptions.defaults().withCodec(ParquetWriteOptions.Codec.parse(codec))
                .withDictionary(!noDictionary).withRowGroupRows(rowGroupRows);
        PrintStream err = System.err;
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + out + ": " + e.getMessage(), e);
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        long limit = memoryLimit == null ? Long.MAX_VALUE : MemoryPool.parseSize(memoryLimit);
        long t0 = System.nanoTime();
        // table by table, part by part: memory stays at a few parts whatever the scale factor
        try (MemoryPool pool = MemoryPool.root("tpch gen", limit)) {
            long totalBytes = 0;
            for (String name : TpchGenerator.TABLES) {
                Path file = out.resolve(name + "." + fmt);
                long t1 = System.nanoTime();
                Schema schema = TpchGenerator.schema(name);
                TableWriter writer = fmt.equals("csv")
                        ? CsvWriter.create(file, schema, CsvOptions.defaults())
                        : ParquetWriter.create(file, schema, options);
                long rows;
                try {
                    rows = TpchGenerator.generateTable(name, scaleFactor, pool, err, n, part -> write(part, writer));
                    writer.close();
                } catch (RuntimeException | Error e) {
                    writer.abort();
                    throw e;
                }
                long bytes = size(file);
                totalBytes += bytes;
                err.printf(Locale.ROOT, "wrote %s: %,d rows, %s in %.1f s%n", file, rows, MemoryPool.mib(bytes),
                        (System.nanoTime() - t1) / 1e9);
            }
            err.printf(Locale.ROOT, "TPC-H sf %s: 8 tables, %s of %s (%s) in %s in %.1f s%n", TpchCli.sf(scaleFactor),
                    MemoryPool.mib(totalBytes), fmt, fmt.equals("csv") ? "uncompressed" : options.codec().name().toLowerCase(Locale.ROOT), out,
                    (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }

    private static void write(Table part, TableWriter w) {
        for (TableBlock b : part.blocks()) {
            w.write(new Batch(b.columns(), b.rowCount()));
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
