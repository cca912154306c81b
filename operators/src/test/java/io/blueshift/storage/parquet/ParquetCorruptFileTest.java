package io.blueshift.storage.parquet;

import io.blueshift.memory.MemoryLimitExceededException;
import io.blueshift.memory.MemoryPool;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Corrupt and hostile files: each a clear error naming file, column and offset; never a crash or hang. */
class ParquetCorruptFileTest {
    @TempDir
    Path dir;
    MemoryPool pool;

    @BeforeEach
    void open() { pool = MemoryPool.root("parquet corrupt test", 256L << 20); }

    @AfterEach
    void close() { pool.close(); } // also checks that failed reads freed every vector

    private Path valid(String codec) throws Exception {
        Path file = dir.resolve("valid_" + codec + ".parquet");
        DuckDbParquetFiles.write(file, 3000, codec, 2048);
        return file;
    }

    /** DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, BYTE_STREAM_SPLIT, RLE_DICTIONARY in data pages v2. */
    private Path validV2(String codec) throws Exception {
        Path file = dir.resolve("valid_v2_" + codec + ".parquet");
        DuckDbParquetFiles.write(file, DuckDbParquetFiles.ALL_TYPES.replace("ROWS", "3000"),
                "COMPRESSION " + codec + ", ROW_GROUP_SIZE 2048, PARQUET_VERSION V2");
        return file;
    }

    private Path withBytes(byte[] bytes) throws IOException {
        Path file = dir.resolve("corrupt.parquet");
        Files.write(file, bytes);
        return file;
    }

    private ParquetException failsToOpen(Path file) {
        ParquetException e = assertThrows(ParquetException.class, () -> ParquetTable.open(file, pool).close());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        return e;
    }

    @Test
    void truncatedFooter() throws Exception {
        byte[] bytes = Files.readAllBytes(valid("snappy"));
        ParquetException e = failsToOpen(withBytes(Arrays.copyOf(bytes, bytes.length - 100)));
        assertTrue(e.getMessage().contains("wrong magic at the end"), e.getMessage());
        assertEquals(bytes.length - 104, e.offset());
    }

    @Test
    void wrongMagicAtTheStart() throws Exception {
        byte[] bytes = Files.readAllBytes(valid("snappy"));
        bytes[1] = 'X';
        ParquetException e = failsToOpen(withBytes(bytes));
        assertTrue(e.getMessage().contains("wrong magic at the start"), e.getMessage());
        assertEquals(0, e.offset());
    }

    @Test
    void tinyFile() throws Exception {
        ParquetException e = failsToOpen(withBytes("PAR1PAR1".getBytes()));
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
    }

    @Test
    void footerLengthBeyondTheFile() throws Exception {
        byte[] bytes = Files.readAllBytes(valid("snappy"));
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 8, bytes.length);
        ParquetException e = failsToOpen(withBytes(bytes));
        assertTrue(e.getMessage().contains("footer length " + bytes.length + " goes beyond"), e.getMessage());
        assertEquals(bytes.length - 8, e.offset());
    }

    @Test
    void garbledFooter() throws Exception {
        byte[] bytes = Files.readAllBytes(valid("snappy"));
        int footerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(bytes.length - 8);
        int footerStart = bytes.length - 8 - footerLength;
        Arrays.fill(bytes, footerStart, footerStart + 16, (byte) 0xEF);
        ParquetException e = failsToOpen(withBytes(bytes));
        assertTrue(e.getMessage().contains("cannot decode footer"), e.getMessage());
        assertEquals(footerStart, e.offset());
    }

    @Test
    void pageSizeBeyondTheFile() throws Exception {
        Path file = valid("uncompressed");
        byte[] bytes = Files.readAllBytes(file);
        ColumnMetaData md = chunk(bytes, "i64");
        int at = (int) md.getData_page_offset();
        PageHeader h = Util.readPageHeader(new ByteArrayInputStream(bytes, at, bytes.length - at));
        h.setCompressed_page_size(1 << 30);
        byte[] header = serialize(h);
        System.arraycopy(header, 0, bytes, at, header.length); // the reader stops at the bad size, before the data
        ParquetException e = failsToOpen(withBytes(bytes));
        assertEquals("i64", e.column());
        assertEquals(at, e.offset());
        assertTrue(e.getMessage().contains("page of " + (1 << 30) + " bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
    }

    @Test
    void badDictionaryIndex() throws Exception {
        Path file = valid("uncompressed");
        byte[] bytes = Files.readAllBytes(file);
        ColumnMetaData md = chunk(bytes, "s_dict");
        int at = (int) md.getDictionary_page_offset();
        PageHeader h = Util.readPageHeader(new ByteArrayInputStream(bytes, at, bytes.length - at));
        assertEquals(PageType.DICTIONARY_PAGE, h.getType());
        int before = serialize(h).length;
        h.getDictionary_page_header().setNum_values(1); // 50 strings stay in the page; indices 1..49 now point past it
        byte[] header = serialize(h);
        assertEquals(before, header.length);
        System.arraycopy(header, 0, bytes, at, header.length);
        ParquetException e = failsToOpen(withBytes(bytes));
        assertEquals("s_dict", e.column());
        assertTrue(e.getMessage().contains("bad dictionary index"), e.getMessage());
        assertTrue(e.getMessage().contains("the dictionary has 1 values"), e.getMessage());
        assertTrue(e.offset() > at, "offset of the data page: " + e.offset());
    }

    @Test
    void columnChunkBeyondTheFile() throws Exception {
        byte[] bytes = Files.readAllBytes(valid("snappy"));
        int footerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(bytes.length - 8);
        int footerStart = bytes.length - 8 - footerLength;
        FileMetaData md = Util.readFileMetaData(new ByteArrayInputStream(bytes, footerStart, footerLength));
        ColumnMetaData i32 = md.getRow_groups().get(1).getColumns().get(4).getMeta_data();
        assertEquals(List.of("i32"), i32.getPath_in_schema());
        i32.setTotal_compressed_size(bytes.length);
        ByteArrayOutputStream footer = new ByteArrayOutputStream();
        Util.writeFileMetaData(md, footer);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(bytes, 0, footerStart);
        footer.writeTo(file);
        file.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(footer.size()).array());
        file.write("PAR1".getBytes());
        ParquetException e = failsToOpen(withBytes(file.toByteArray()));
        assertEquals("i32", e.column());
        assertEquals(i32.getData_page_offset(), e.offset());
        assertTrue(e.getMessage().contains("lies outside the file's data"), e.getMessage());
    }

    @Test
    void badCompressedBlock() throws Exception {
        for (String codec : List.of("snappy", "zstd", "gzip", "lz4_raw")) {
            byte[] bytes = Files.readAllBytes(valid(codec));
            ColumnMetaData md = chunk(bytes, "s_plain");
            int at = (int) md.getData_page_offset();
            PageHeader h = Util.readPageHeader(new ByteArrayInputStream(bytes, at, bytes.length - at));
            int data = at + serialize(h).length;
            for (int i = 0; i < 64; i++) {
                bytes[data + 8 + i] ^= (byte) 0x5A;
            }
            Path file = withBytes(bytes);
            try {
                ParquetTable.open(file, pool).close();
                fail(codec + ": garbled compressed data was accepted");
            } catch (ParquetException e) {
                assertEquals("s_plain", e.column(), e.getMessage());
                assertEquals(at, e.offset(), e.getMessage());
            }
        }
    }

    @Test
    void randomByteMutationsGiveCleanErrors() throws Exception {
        List<byte[]> seeds = List.of(Files.readAllBytes(valid("uncompressed")), Files.readAllBytes(valid("snappy")),
                Files.readAllBytes(valid("zstd")), Files.readAllBytes(valid("gzip")), Files.readAllBytes(valid("lz4_raw")),
                Files.readAllBytes(validV2("snappy")), Files.readAllBytes(validV2("uncompressed")));
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int cases = Integer.getInteger("blueshift.parquet.fuzzCases", 240);
        int[] outcomes = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(Math.max(60, cases / 20)), () -> {
            for (int i = 0; i < cases; i++) {
                byte[] bytes = seeds.get(i % seeds.size()).clone();
                int mutations = 1 + random.nextInt(4);
                for (int m = 0; m < mutations; m++) {
                    // favour the footer and page headers, where a byte changes the most
                    int at = random.nextBoolean() ? bytes.length - 1 - random.nextInt(Math.min(bytes.length, 2000))
                            : random.nextInt(bytes.length);
                    bytes[at] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : (byte) (bytes[at] ^ (1 << random.nextInt(8)));
                }
                Path file = dir.resolve("fuzz.parquet");
                Files.write(file, bytes);
                try (ParquetTable t = ParquetTable.open(file, pool)) {
                    outcomes[0]++;
                } catch (ParquetException | UncheckedIOException | MemoryLimitExceededException e) {
                    assertNotNull(e.getMessage(), "seed " + seed + ", case " + i);
                    assertTrue(e instanceof UncheckedIOException || e.getMessage().contains(file.toString())
                            || e instanceof MemoryLimitExceededException, "seed " + seed + ", case " + i + ": " + e.getMessage());
                    outcomes[1]++;
                } catch (Throwable t) {
                    throw new AssertionError("seed " + seed + ", case " + i + ": unclean " + t, t);
                }
            }
        }, "seed " + seed);
        assertEquals(cases, outcomes[0] + outcomes[1]);
        assertTrue(outcomes[1] > 0, "some mutations must be caught");
    }

    private static ColumnMetaData chunk(byte[] bytes, String column) throws IOException {
        int footerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(bytes.length - 8);
        FileMetaData md = Util.readFileMetaData(new ByteArrayInputStream(bytes, bytes.length - 8 - footerLength, footerLength));
        return md.getRow_groups().get(0).getColumns().stream()
                .filter(c -> c.getMeta_data().getPath_in_schema().equals(List.of(column)))
                .findFirst().orElseThrow().getMeta_data();
    }

    private static byte[] serialize(PageHeader h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Util.writePageHeader(h, out);
        return out.toByteArray();
    }
}
