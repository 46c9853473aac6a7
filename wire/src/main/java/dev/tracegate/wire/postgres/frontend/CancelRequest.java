package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PrintableBytes;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Arrays;

/**
 * CancelRequest, sent on a new connection: cancel what the backend {@code processId} is running, proven
 * by its secret key. The key is the rest of the body: 4 bytes in protocol 3.0, 4 to 256 bytes from 3.2.
 */
public record CancelRequest(int processId, byte[] secretKey) implements StartupPacket {

    public static final int CODE = 80877102;
    public static final int MIN_KEY_BYTES = 4;
    public static final int MAX_KEY_BYTES = 256;

    public CancelRequest {
        if (secretKey == null || secretKey.length < MIN_KEY_BYTES || secretKey.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("cancel key must be " + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES + " bytes");
        }
    }

    public static CancelRequest decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "CancelRequest");
        int code = reader.readInt32();
        if (code != CODE) {
            throw new ProtocolException("not a CancelRequest: code " + code);
        }
        int processId = reader.readInt32();
        int keyLength = reader.remaining();
        if (keyLength < MIN_KEY_BYTES || keyLength > MAX_KEY_BYTES) {
            throw new ProtocolException("CancelRequest key of " + keyLength + " bytes, expected "
                    + MIN_KEY_BYTES + " to " + MAX_KEY_BYTES);
        }
        return new CancelRequest(processId, reader.readRemaining());
    }

    @Override
    public byte[] encodeBody() {
        return new PgBodyWriter(8 + secretKey.length).int32(CODE).int32(processId).bytes(secretKey).toByteArray();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CancelRequest that && processId == that.processId
                && Arrays.equals(secretKey, that.secretKey);
    }

    @Override
    public int hashCode() {
        return 31 * processId + Arrays.hashCode(secretKey);
    }

    @Override
    public String toString() {
        return "CancelRequest[processId=" + processId + ", secretKey=" + PrintableBytes.REDACTED + "]";
    }
}
