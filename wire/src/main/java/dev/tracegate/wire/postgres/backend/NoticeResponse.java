package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Map;

/** NoticeResponse ('N'): a warning or notice. Servers may send it at any time, and clients show it without changing state. Fields keep their order. */
public record NoticeResponse(Map<Character, String> fields) implements ResponseFields, PgMessage {

    public static final byte TYPE = 'N';

    public NoticeResponse {
        fields = ResponseFieldCodec.copyOf(fields);
    }

    public static NoticeResponse decode(byte[] body) throws ProtocolException {
        return new NoticeResponse(ResponseFieldCodec.decode(body, "NoticeResponse"));
    }

    /** Severity (as both 'S' and 'V'), SQLSTATE and message. */
    public static NoticeResponse of(String severity, String sqlState, String message) {
        return of(severity, sqlState, message, null, null);
    }

    /** As {@link #of(String, String, String)}, plus detail and hint when not null. */
    public static NoticeResponse of(String severity, String sqlState, String message, String detail, String hint) {
        return new NoticeResponse(ResponseFieldCodec.of(severity, sqlState, message, detail, hint));
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, ResponseFieldCodec.encode(fields));
    }
}
