package dev.tracegate.wire.postgres;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds a message body field by field, growing as needed. Integers are written big-endian. */
public final class PgBodyWriter {

    private byte[] buffer;
    private int size;

    public PgBodyWriter() {
        this(64);
    }

    /** @param initialCapacity exact size when the caller can compute it, so no growth happens */
    public PgBodyWriter(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity " + initialCapacity);
        }
        buffer = new byte[initialCapacity];
    }

    public PgBodyWriter int8(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    public PgBodyWriter int16(int value) {
        ensure(2);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
        return this;
    }

    /** An Int16 count, checked to fit the unsigned 16 bits the server reads. */
    public PgBodyWriter uint16(int count) {
        if (count < 0 || count > 0xFFFF) {
            throw new IllegalArgumentException("count " + count + " does not fit in 16 bits");
        }
        return int16(count);
    }

    public PgBodyWriter int32(int value) {
        ensure(4);
        buffer[size++] = (byte) (value >>> 24);
        buffer[size++] = (byte) (value >>> 16);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
        return this;
    }

    /** A UTF-8 string and its NUL terminator. A string holding NUL cannot be represented and is refused. */
    public PgBodyWriter cstring(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("protocol strings cannot contain NUL characters");
        }
        return bytes(value.getBytes(StandardCharsets.UTF_8)).int8(0);
    }

    public PgBodyWriter bytes(byte[] value) {
        return bytes(value, 0, value.length);
    }

    public PgBodyWriter bytes(byte[] value, int offset, int length) {
        ensure(length);
        System.arraycopy(value, offset, buffer, size, length);
        size += length;
        return this;
    }

    /** Int32 length then the bytes, or length -1 for null (SQL NULL). */
    public PgBodyWriter nullableBytes(byte[] value) {
        return value == null ? int32(-1) : int32(value.length).bytes(value);
    }

    public int size() {
        return size;
    }

    /**
     * The body written so far. When the buffer is exactly full it is handed out without a copy: any later
     * write must grow into a new array first, so the returned bytes never change.
     */
    public byte[] toByteArray() {
        return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
    }

    private void ensure(int extra) {
        int needed = size + extra;
        if (needed < 0) {
            throw new IllegalStateException("message body exceeds 2 GB");
        }
        if (needed > buffer.length) {
            int doubled = buffer.length <= (Integer.MAX_VALUE >> 1) ? buffer.length * 2 : Integer.MAX_VALUE - 8;
            buffer = Arrays.copyOf(buffer, Math.max(doubled, needed));
        }
    }
}
