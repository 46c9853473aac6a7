package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.ArrayList;
import java.util.List;

/**
 * AuthenticationSASL: the server offers SASL mechanisms, in its order of preference, e.g.
 * SCRAM-SHA-256-PLUS and SCRAM-SHA-256. On the wire the list ends with an empty string.
 */
public record AuthenticationSasl(List<String> mechanisms) implements Authentication {

    public AuthenticationSasl {
        mechanisms = List.copyOf(mechanisms);
        if (mechanisms.contains("")) {
            throw new IllegalArgumentException("an empty mechanism name would end the list early");
        }
    }

    public static AuthenticationSasl decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = AuthenticationBody.open(body, SASL, "AuthenticationSASL");
        List<String> mechanisms = new ArrayList<>();
        for (String name = reader.readCString(); !name.isEmpty(); name = reader.readCString()) {
            mechanisms.add(name);
        }
        reader.expectEnd();
        return new AuthenticationSasl(mechanisms);
    }

    @Override
    public int code() {
        return SASL;
    }

    @Override
    public PgFrame encode() {
        PgBodyWriter writer = new PgBodyWriter().int32(SASL);
        mechanisms.forEach(writer::cstring);
        return new PgFrame(TYPE, writer.int8(0).toByteArray());
    }
}
