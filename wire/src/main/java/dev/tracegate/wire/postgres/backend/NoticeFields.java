package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.ProtocolException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The field list shared by ErrorResponse and NoticeResponse: code byte, string, ..., 0. */
final class NoticeFields {

    private NoticeFields() {
    }

    static Map<Character, String> decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body);
        Map<Character, String> fields = new LinkedHashMap<>();
        for (byte code = reader.readByte(); code != 0; code = reader.readByte()) {
            fields.put((char) code, reader.readCString());
        }
        return Collections.unmodifiableMap(fields);
    }

    static byte[] encode(Map<Character, String> fields) {
        PgBodyWriter writer = new PgBodyWriter();
        fields.forEach((code, value) -> writer.int8(code).cstring(value));
        return writer.int8(0).toByteArray();
    }

    static Map<Character, String> of(String severity, String sqlState, String message, String detail, String hint) {
        Map<Character, String> fields = new LinkedHashMap<>();
        fields.put('S', severity);
        fields.put('V', severity);
        fields.put('C', sqlState);
        fields.put('M', message);
        if (detail != null) {
            fields.put('D', detail);
        }
        if (hint != null) {
            fields.put('H', hint);
        }
        return Collections.unmodifiableMap(fields);
    }
}
