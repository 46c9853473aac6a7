package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.ProtocolException;

/**
 * Body layout shared by CopyInResponse, CopyOutResponse and CopyBothResponse: Int8 overall format
 * (0 text/CSV, 1 binary), Int16 column count, Int16 format per column.
 */
final class CopyResponseBody {

    private CopyResponseBody() {
    }

    static PgBodyReader open(byte[] body, String messageName) {
        return new PgBodyReader(body, messageName);
    }

    static short[] readColumnFormats(PgBodyReader reader) throws ProtocolException {
        int count = reader.readUInt16();
        reader.requireElements(count, 2, "column formats");
        short[] formats = new short[count];
        for (int i = 0; i < count; i++) {
            formats[i] = reader.readInt16();
        }
        reader.expectEnd();
        return formats;
    }

    static byte[] encode(byte overallFormat, short[] columnFormats) {
        PgBodyWriter writer = new PgBodyWriter(3 + 2 * columnFormats.length).int8(overallFormat).uint16(columnFormats.length);
        for (short format : columnFormats) {
            writer.int16(format);
        }
        return writer.toByteArray();
    }
}
