package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.ProtocolException;

/** The transaction state reported by ReadyForQuery. */
public enum TransactionStatus {
    IDLE('I'),
    IN_TRANSACTION('T'),
    /** In a failed transaction block: statements are rejected until the block ends. */
    FAILED('E');

    private final byte code;

    TransactionStatus(char code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    public static TransactionStatus of(byte code) throws ProtocolException {
        for (TransactionStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        throw new ProtocolException(String.format("unknown transaction status 0x%02x", code & 0xFF));
    }
}
