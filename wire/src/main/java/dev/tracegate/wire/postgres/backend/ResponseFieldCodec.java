package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Body layout of ErrorResponse and NoticeResponse: (Byte1 code, String value)*, then a zero byte. */
final class ResponseFieldCodec {

    private ResponseFieldCodec() {
    }

    static Map<Character, String> decode(byte[] body, String messageName) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, messageName);
        Map<Character, String> fields = new LinkedHashMap<>();
        for (byte code = reader.readByte(); code != 0; code = reader.readByte()) {
            // A repeated code keeps its last value, as libpq does.
            fields.put((char) (code & 0xFF), reader.readCString());
        }
        reader.expectEnd();
        return Collections.unmodifiableMap(fields);
    }

    static byte[] encode(Map<Character, String> fields) {
        PgBodyWriter writer = new PgBodyWriter(128);
        fields.forEach((code, value) -> writer.int8(code).cstring(value));
        return writer.int8(0).toByteArray();
    }

    /** An ordered, unmodifiable copy whose codes fit in one non-zero byte. */
    static Map<Character, String> copyOf(Map<Character, String> fields) {
        Map<Character, String> copy = new LinkedHashMap<>();
        fields.forEach((code, value) -> {
            if (code == 0 || code > 0xFF) {
                throw new IllegalArgumentException("field code must be one non-zero byte: " + (int) code);
            }
            if (value == null) {
                throw new IllegalArgumentException("field '" + code + "' has no value");
            }
            copy.put(code, value);
        });
        return Collections.unmodifiableMap(copy);
    }

    static Map<Character, String> of(String severity, String sqlState, String message, String detail, String hint) {
        Map<Character, String> fields = new LinkedHashMap<>();
        fields.put(ResponseFields.SEVERITY, severity);
        fields.put(ResponseFields.SEVERITY_NON_LOCALIZED, severity);
        fields.put(ResponseFields.SQLSTATE, sqlState);
        fields.put(ResponseFields.MESSAGE, message);
        if (detail != null) {
            fields.put(ResponseFields.DETAIL, detail);
        }
        if (hint != null) {
            fields.put(ResponseFields.HINT, hint);
        }
        return fields;
    }
}
