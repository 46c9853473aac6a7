package dev.tracegate.wire.mysql;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the protocol's basic types from one payload: fixed-length little-endian integers,
 * length-encoded integers and strings, NUL-terminated strings. Reading past the end is a
 * {@link MysqlProtocolException}, never an index error.
 */
public final class PayloadReader {

    private final byte[] payload;
    private int position;

    public PayloadReader(byte[] payload) {
        this(payload, 0);
    }

    public PayloadReader(byte[] payload, int position) {
        this.payload = payload;
        this.position = position;
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return payload.length - position;
    }

    public boolean hasMore() {
        return position < payload.length;
    }

    public int int1() throws MysqlProtocolException {
        need(1);
        return payload[position++] & 0xFF;
    }

    public int int2() throws MysqlProtocolException {
        need(2);
        int value = (payload[position] & 0xFF) | (payload[position + 1] & 0xFF) << 8;
        position += 2;
        return value;
    }

    public int int3() throws MysqlProtocolException {
        need(3);
        int value = (payload[position] & 0xFF) | (payload[position + 1] & 0xFF) << 8 | (payload[position + 2] & 0xFF) << 16;
        position += 3;
        return value;
    }

    public long int4() throws MysqlProtocolException {
        need(4);
        long value = 0;
        for (int i = 3; i >= 0; i--) {
            value = value << 8 | (payload[position + i] & 0xFF);
        }
        position += 4;
        return value;
    }

    public long int8() throws MysqlProtocolException {
        need(8);
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = value << 8 | (payload[position + i] & 0xFF);
        }
        position += 8;
        return value;
    }

    /** A length-encoded integer; {@code -1} for the NULL marker 0xFB. */
    public long lenencInt() throws MysqlProtocolException {
        int first = int1();
        return switch (first) {
            case 0xFB -> -1;
            case 0xFC -> int2();
            case 0xFD -> int3();
            case 0xFE -> int8();
            case 0xFF -> throw new MysqlProtocolException("0xFF is not a length-encoded integer");
            default -> first;
        };
    }

    /** A length-encoded byte string; {@code null} for the NULL marker. */
    public byte[] lenencBytes() throws MysqlProtocolException {
        long length = lenencInt();
        if (length < 0) {
            return null;
        }
        if (length > remaining()) {
            throw new MysqlProtocolException("a length-encoded string of " + Long.toUnsignedString(length)
                    + " bytes overruns its packet");
        }
        return bytes((int) length);
    }

    public String lenencString() throws MysqlProtocolException {
        byte[] bytes = lenencBytes();
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    public byte[] bytes(int length) throws MysqlProtocolException {
        if (length < 0) {
            throw new MysqlProtocolException("negative length " + length);
        }
        need(length);
        byte[] bytes = Arrays.copyOfRange(payload, position, position + length);
        position += length;
        return bytes;
    }

    public void skip(int length) throws MysqlProtocolException {
        need(length);
        position += length;
    }

    /** The bytes up to the next NUL, which is consumed. */
    public byte[] nulBytes() throws MysqlProtocolException {
        int end = position;
        while (end < payload.length && payload[end] != 0) {
            end++;
        }
        if (end == payload.length) {
            throw new MysqlProtocolException("a NUL-terminated string has no NUL");
        }
        byte[] bytes = Arrays.copyOfRange(payload, position, end);
        position = end + 1;
        return bytes;
    }

    public String nulString() throws MysqlProtocolException {
        return new String(nulBytes(), StandardCharsets.UTF_8);
    }

    /** Everything left in the payload. */
    public byte[] rest() {
        byte[] bytes = Arrays.copyOfRange(payload, position, payload.length);
        position = payload.length;
        return bytes;
    }

    public String restString() {
        return new String(rest(), StandardCharsets.UTF_8);
    }

    /** A decoder that has read its whole message says so: trailing bytes mean the layout was not the expected one. */
    public void end(String message) throws MysqlProtocolException {
        if (hasMore()) {
            throw new MysqlProtocolException(message + " has " + remaining() + " unexpected trailing bytes");
        }
    }

    private void need(int length) throws MysqlProtocolException {
        if (length > payload.length - position) {
            throw new MysqlProtocolException("packet ends after " + payload.length + " bytes, " + length
                    + " more needed at offset " + position);
        }
    }
}
