package io.blueshift.storage.parquet;

import com.github.luben.zstd.Zstd;
import org.apache.parquet.format.CompressionCodec;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** Compresses one page for the writer. */
final class PageCompressor {
    private PageCompressor() {}

    static CompressionCodec thrift(ParquetWriteOptions.Codec codec) {
        return switch (codec) {
            case UNCOMPRESSED -> CompressionCodec.UNCOMPRESSED;
            case SNAPPY -> CompressionCodec.SNAPPY;
            case ZSTD -> CompressionCodec.ZSTD;
            case GZIP -> CompressionCodec.GZIP;
        };
    }

    /** Returns {@code in[0, len)} compressed; the array may be longer than the result's length in {@code outLength[0]}. */
    static byte[] compress(ParquetWriteOptions.Codec codec, int zstdLevel, byte[] in, int len, int[] outLength) {
        try {
            switch (codec) {
                case UNCOMPRESSED -> {
                    outLength[0] = len;
                    return in;
                }
                case SNAPPY -> {
                    byte[] out = new byte[Snappy.maxCompressedLength(len)];
                    outLength[0] = Snappy.compress(in, 0, len, out, 0);
                    return out;
                }
                case ZSTD -> {
                    byte[] out = new byte[(int) Zstd.compressBound(len)];
                    long n = Zstd.compressByteArray(out, 0, out.length, in, 0, len, zstdLevel);
                    if (Zstd.isError(n)) {
                        throw new IllegalStateException("ZSTD compression failed: " + Zstd.getErrorName(n));
                    }
                    outLength[0] = (int) n;
                    return out;
                }
                case GZIP -> {
                    ByteArrayOutputStream bos = new ByteArrayOutputStream(Math.max(64, len / 3));
                    try (GZIPOutputStream gz = new GZIPOutputStream(bos, 1 << 16)) {
                        gz.write(in, 0, len);
                    }
                    byte[] out = bos.toByteArray();
                    outLength[0] = out.length;
                    return out;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("compressing a page with " + codec + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("codec " + codec);
    }
}
