package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Objects;

/** NotificationResponse ('A'): a NOTIFY on a channel this session LISTENs to; may arrive at any time. */
public record NotificationResponse(int processId, String channel, String payload) implements PgMessage {

    public static final byte TYPE = 'A';

    public NotificationResponse {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(payload, "payload");
    }

    public static NotificationResponse decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "NotificationResponse");
        int processId = reader.readInt32();
        String channel = reader.readCString();
        String payload = reader.readCString();
        reader.expectEnd();
        return new NotificationResponse(processId, channel, payload);
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(6 + channel.length() + payload.length())
                .int32(processId).cstring(channel).cstring(payload).toByteArray());
    }
}
