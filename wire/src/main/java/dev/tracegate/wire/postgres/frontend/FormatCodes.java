package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.ProtocolException;

/**
 * Format-code lists of Bind and FunctionCall: no entries means all text, one entry applies to every
 * value, otherwise one entry per value. Codes are 0 (text) or 1 (binary).
 */
final class FormatCodes {

    static final short TEXT = 0;
    static final short BINARY = 1;

    private FormatCodes() {
    }

    /**
     * Reads a counted list. Codes other than 0 and 1 are refused here rather than left to the server:
     * the gateway decides how to treat values by their format and must not guess at an unknown one.
     */
    static short[] read(PgBodyReader reader, String what) throws ProtocolException {
        int count = reader.readUInt16();
        reader.requireElements(count, 2, what);
        short[] codes = new short[count];
        for (int i = 0; i < count; i++) {
            codes[i] = reader.readInt16();
            if (codes[i] != TEXT && codes[i] != BINARY) {
                throw new ProtocolException("unsupported format code " + codes[i] + " in " + what);
            }
        }
        return codes;
    }

    static void write(PgBodyWriter writer, short[] codes) {
        writer.uint16(codes.length);
        for (short code : codes) {
            writer.int16(code);
        }
    }

    /** Checks the list length against the values it describes, as the server does. */
    static void checkCount(short[] codes, int values, String what) throws ProtocolException {
        if (codes.length > 1 && codes.length != values) {
            throw new ProtocolException(what + " has " + codes.length + " format codes but " + values + " values");
        }
    }

    static short formatOf(short[] codes, int index) {
        return switch (codes.length) {
            case 0 -> TEXT;
            case 1 -> codes[0];
            default -> codes[index];
        };
    }
}
