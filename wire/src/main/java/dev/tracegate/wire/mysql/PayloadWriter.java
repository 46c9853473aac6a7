package dev.tracegate.wire.mysql;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds one payload from the protocol's basic types; the inverse of {@link PayloadReader}. */
public final class PayloadWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public PayloadWriter int1(int value) {
        out.write(value);
        return this;
    }

    public PayloadWriter int2(int value) {
        out.write(value);
        out.write(value >>> 8);
        return this;
    }

    public PayloadWriter int3(int value) {
        int2(value);
        out.write(value >>> 16);
        return this;
    }

    public PayloadWriter int4(long value) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (value >>> (8 * i)));
        }
        return this;
    }

    public PayloadWriter int8(long value) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (value >>> (8 * i)));
        }
        return this;
    }

    public PayloadWriter lenencInt(long value) {
        if (value >= 0 && value < 0xFB) {
            return int1((int) value);
        }
        if (value >= 0 && value < 1 << 16) {
            return int1(0xFC).int2((int) value);
        }
        if (value >= 0 && value < 1 << 24) {
            return int1(0xFD).int3((int) value);
        }
        return int1(0xFE).int8(value);
    }

    /** A length-encoded string; {@code null} writes the NULL marker 0xFB. */
    public PayloadWriter lenencBytes(byte[] value) {
        if (value == null) {
            return int1(0xFB);
        }
        lenencInt(value.length);
        return bytes(value);
    }

    public PayloadWriter lenencString(String value) {
        return lenencBytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    public PayloadWriter bytes(byte[] value) {
        out.writeBytes(value);
        return this;
    }

    public PayloadWriter zeros(int count) {
        return bytes(new byte[count]);
    }

    public PayloadWriter nulString(String value) {
        return nulBytes(value.getBytes(StandardCharsets.UTF_8));
    }

    public PayloadWriter nulBytes(byte[] value) {
        bytes(value);
        return int1(0);
    }

    public PayloadWriter string(String value) {
        return bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
