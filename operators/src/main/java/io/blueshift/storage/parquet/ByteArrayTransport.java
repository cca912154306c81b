package io.blueshift.storage.parquet;

import shaded.parquet.org.apache.thrift.TConfiguration;
import shaded.parquet.org.apache.thrift.transport.TEndpointTransport;
import shaded.parquet.org.apache.thrift.transport.TTransportException;

/**
 * A read-only Thrift transport over {@code buf[pos, end)} that lends the protocol its buffer, so
 * the compact protocol decodes varints and single bytes in place (a stream transport costs a
 * synchronized {@code InputStream.read} per byte). Reads never go past {@code end}: the
 * message size the configuration allows is the bytes there.
 */
final class ByteArrayTransport extends TEndpointTransport {
    private final byte[] buf;
    private int pos;
    private final int end;

    ByteArrayTransport(byte[] buf, int pos, int end, int recursionLimit) throws TTransportException {
        super(new TConfiguration(Math.max(end - pos, 0), Math.max(end - pos, 0), recursionLimit));
        this.buf = buf;
        this.pos = pos;
        this.end = end;
    }

    /** The index in the array of the next unread byte. */
    int position() { return pos; }

    @Override public boolean isOpen() { return true; }
    @Override public void open() { }
    @Override public void close() { }

    @Override
    public int read(byte[] out, int off, int len) throws TTransportException {
        int n = Math.min(len, end - pos);
        if (n <= 0) {
            return 0; // readAll turns this into "cannot read"
        }
        System.arraycopy(buf, pos, out, off, n);
        consumeBuffer(n);
        return n;
    }

    @Override
    public void write(byte[] b, int off, int len) throws TTransportException {
        throw new TTransportException("read-only transport");
    }

    @Override public byte[] getBuffer() { return buf; }
    @Override public int getBufferPosition() { return pos; }
    @Override public int getBytesRemainingInBuffer() { return end - pos; }

    @Override
    public void consumeBuffer(int len) {
        pos += len;
        try {
            countConsumedMessageBytes(len);
        } catch (TTransportException e) {
            // cannot happen: the protocol consumes only what getBytesRemainingInBuffer offered
            throw new IllegalStateException(e);
        }
    }
}
