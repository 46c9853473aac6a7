package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.PrintableBytes;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Arrays;

/**
 * BackendKeyData ('K'): the process ID and secret key a client needs for a later CancelRequest. The key
 * is the rest of the body: 4 bytes in protocol 3.0, 4 to 256 bytes from 3.2.
 */
public record BackendKeyData(int processId, byte[] secretKey) implements PgMessage {

    public static final byte TYPE = 'K';
    public static final int MIN_KEY_BYTES = 4;
    public static final int MAX_KEY_BYTES = 256;

    public BackendKeyData {
        if (secretKey == null || secretKey.length < MIN_KEY_BYTES || secretKey.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("cancel key must be " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES + " bytes");
        }
    }

    public static BackendKeyData decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "BackendKeyData");
        int processId = reader.readInt32();
        int keyLength = reader.remaining();
        if (keyLength < MIN_KEY_BYTES || keyLength > MAX_KEY_BYTES) {
            throw new ProtocolException("BackendKeyData key of " + keyLength + " bytes, expected "
                    + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES);
        }
        return new BackendKeyData(processId, reader.readRemaining());
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(4 + secretKey.length).int32(processId).bytes(secretKey).toByteArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BackendKeyData that && processId == that.processId
                && Arrays.equals(secretKey, that.secretKey);
    }

    @Override
    public int hashCode() {
        return 31 * processId + Arrays.hashCode(secretKey);
    }

    @Override
    public String toString() {
        return "BackendKeyData[processId=" + processId + ", secretKey=" + PrintableBytes.REDACTED + "]";
    }
}
