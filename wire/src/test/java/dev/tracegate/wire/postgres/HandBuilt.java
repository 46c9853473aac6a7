package dev.tracegate.wire.postgres;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Bytes laid out by hand, field by field as the protocol documentation lists them. Built on
 * DataOutputStream (big-endian) so that tests do not use the codec under test as their own oracle.
 */
public final class HandBuilt {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    public static HandBuilt bytes() {
        return new HandBuilt();
    }

    public HandBuilt byte1(int value) {
        return write(() -> out.writeByte(value));
    }

    public HandBuilt int16(int value) {
        return write(() -> out.writeShort(value));
    }

    public HandBuilt int32(int value) {
        return write(() -> out.writeInt(value));
    }

    /** String: UTF-8 then a NUL. */
    public HandBuilt string(String value) {
        return raw(value.getBytes(StandardCharsets.UTF_8)).byte1(0);
    }

    public HandBuilt raw(byte[] value) {
        return write(() -> out.write(value));
    }

    public HandBuilt raw(String ascii) {
        return raw(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    public byte[] build() {
        return bytes.toByteArray();
    }

    /** A complete typed frame: type byte, Int32 length including itself, body. */
    public static byte[] frame(char type, byte[] body) {
        return bytes().byte1(type).int32(body.length + 4).raw(body).build();
    }

    private HandBuilt write(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    private interface IoAction {
        void run() throws IOException;
    }
}
