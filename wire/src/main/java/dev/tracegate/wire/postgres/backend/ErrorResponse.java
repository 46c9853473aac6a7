package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Map;

/** ErrorResponse ('E'): a statement or the session failed. After it the server skips to the next Sync (extended protocol) or ends the Query; a FATAL one closes the connection. Fields keep their order. */
public record ErrorResponse(Map<Character, String> fields) implements ResponseFields, PgMessage {

    public static final byte TYPE = 'E';

    public ErrorResponse {
        fields = ResponseFieldCodec.copyOf(fields);
    }

    public static ErrorResponse decode(byte[] body) throws ProtocolException {
        return new ErrorResponse(ResponseFieldCodec.decode(body, "ErrorResponse"));
    }

    /** Severity (as both 'S' and 'V'), SQLSTATE and message. */
    public static ErrorResponse of(String severity, String sqlState, String message) {
        return of(severity, sqlState, message, null, null);
    }

    /** As {@link #of(String, String, String)}, plus detail and hint when not null. */
    public static ErrorResponse of(String severity, String sqlState, String message, String detail, String hint) {
        return new ErrorResponse(ResponseFieldCodec.of(severity, sqlState, message, detail, hint));
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, ResponseFieldCodec.encode(fields));
    }
}
