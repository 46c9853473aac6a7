package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.ProtocolException;

/** The 'S' (prepared statement) or 'P' (portal) byte that Describe and Close start with. */
final class TargetKind {

    private TargetKind() {
    }

    static byte read(PgBodyReader reader, String message) throws ProtocolException {
        byte kind = reader.readByte();
        if (!isValid(kind)) {
            throw new ProtocolException("invalid " + message + " kind " + describe(kind) + ", expected 'S' or 'P'");
        }
        return kind;
    }

    static void check(byte kind, String message) {
        if (!isValid(kind)) {
            throw new IllegalArgumentException("invalid " + message + " kind " + describe(kind) + ", expected 'S' or 'P'");
        }
    }

    private static boolean isValid(byte kind) {
        return kind == 'S' || kind == 'P';
    }

    private static String describe(byte kind) {
        return String.format("0x%02x", kind & 0xFF);
    }
}
