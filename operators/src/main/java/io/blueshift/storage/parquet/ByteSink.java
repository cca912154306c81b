package io.blueshift.storage.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/** A growable little-endian byte buffer the writer encodes pages into. */
final class ByteSink {
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    private int size;

    ByteSink(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    int size() { return size; }

    byte[] array() { return buf; }

    void reset() { size = 0; }

    private void ensure(int more) {
        if (size + more > buf.length) {
            long grown = Math.max((long) buf.length * 2, (long) size + more);
            if (grown > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("page buffer over 2 GiB");
            }
            buf = Arrays.copyOf(buf, (int) grown);
        }
    }

    void writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    void writeIntLE(int v) {
        ensure(4);
        INT.set(buf, size, v);
        size += 4;
    }

    void writeLongLE(long v) {
        ensure(8);
        LONG.set(buf, size, v);
        size += 8;
    }

    /** Overwrites four bytes at {@code at} (a length prefix written before its data was known). */
    void setIntLE(int at, int v) {
        INT.set(buf, at, v);
    }

    void writeBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    void writeUnsignedVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        writeByte((int) v);
    }

    /** Reserves {@code n} zeroed bytes and returns where they start. */
    int skip(int n) {
        ensure(n);
        Arrays.fill(buf, size, size + n, (byte) 0);
        int at = size;
        size += n;
        return at;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
