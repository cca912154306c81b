package io.blueshift.storage.parquet;

import com.github.luben.zstd.Zstd;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.apache.parquet.format.CompressionCodec;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/**
 * Decompresses one page with the column chunk's codec. The output is exactly the size the
 * page header declares; a codec that produces another size, or fails, is a corrupt page.
 */
final class PageDecompressor {
    /** The safe decompressor checks every offset of malformed input (pure Java, never past the arrays). */
    private static final LZ4SafeDecompressor LZ4 = LZ4Factory.safeInstance().safeDecompressor();

    /**
     * SNAPPY pages go to the Java decoder ({@link SnappyDecoder}, faster on column data);
     * {@code -Dblueshift.parquet.snappy=native} sends them to snappy-java's native one instead.
     */
    static final boolean NATIVE_SNAPPY = "native".equalsIgnoreCase(System.getProperty("blueshift.parquet.snappy"));

    private PageDecompressor() {}

    static boolean supported(CompressionCodec codec) {
        return switch (codec) {
            case UNCOMPRESSED, SNAPPY, ZSTD, GZIP, LZ4_RAW -> true;
            default -> false;
        };
    }

    /** Decompresses {@code in[off, off+len)} into a new array of exactly {@code uncompressedSize} bytes. */
    static byte[] decompress(CompressionCodec codec, byte[] in, int off, int len, int uncompressedSize) throws IOException {
        byte[] out = new byte[uncompressedSize];
        decompress(codec, in, off, len, out, uncompressedSize);
        return out;
    }

    /** Decompresses into {@code out[0, uncompressedSize)} ({@code out} may be longer); exactly that many bytes or an error. */
    static void decompress(CompressionCodec codec, byte[] in, int off, int len, byte[] out, int uncompressedSize) throws IOException {
        int produced;
        switch (codec) {
            case SNAPPY -> {
                if (!NATIVE_SNAPPY) {
                    SnappyDecoder.decompress(in, off, len, out, uncompressedSize);
                    return;
                }
                // snappy's decoder checks every copy against its bounds, so corrupt input fails
                // here without a separate validation pass over the page
                int declared;
                try {
                    declared = Snappy.uncompressedLength(in, off, len);
                } catch (IOException e) {
                    throw new IOException("invalid SNAPPY data (" + e.getMessage() + ")", e);
                }
                if (declared != uncompressedSize) {
                    throw new IOException("SNAPPY data holds " + declared + " bytes, page header says " + uncompressedSize);
                }
                try {
                    produced = Snappy.uncompress(in, off, len, out, 0);
                } catch (IOException e) {
                    throw new IOException("invalid SNAPPY data (" + e.getMessage() + ")", e);
                }
            }
            case ZSTD -> {
                long r = Zstd.decompressByteArray(out, 0, uncompressedSize, in, off, len);
                if (Zstd.isError(r)) {
                    throw new IOException("ZSTD: " + Zstd.getErrorName(r));
                }
                produced = (int) r;
            }
            case GZIP -> {
                try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(in, off, len), 8192)) {
                    produced = gz.readNBytes(out, 0, uncompressedSize);
                    if (produced == uncompressedSize && gz.read() != -1) {
                        throw new IOException("GZIP data longer than the page header's " + uncompressedSize + " bytes");
                    }
                }
            }
            case LZ4_RAW -> produced = LZ4.decompress(in, off, len, out, 0, uncompressedSize);
            default -> throw new IOException("not supported yet: compression codec " + codec);
        }
        if (produced != uncompressedSize) {
            throw new IOException(codec + " data decompressed to " + produced + " bytes, page header says " + uncompressedSize);
        }
    }
}
