package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Objects;

/**
 * Execute ('E'): run portal {@code portalName}, returning at most {@code maxRows} rows (0: no limit).
 * A limited Execute that stops early ends in PortalSuspended; the next Execute continues the portal.
 */
public record Execute(String portalName, int maxRows) implements PgMessage {

    public static final byte TYPE = 'E';

    public Execute {
        Objects.requireNonNull(portalName, "portalName");
    }

    public static Execute decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "Execute");
        String portalName = reader.readCString();
        int maxRows = reader.readInt32();
        reader.expectEnd();
        return new Execute(portalName, maxRows);
    }

    @Override
    public PgFrame encode() {
        return new PgFrame(TYPE, new PgBodyWriter(portalName.length() + 5).cstring(portalName).int32(maxRows).toByteArray());
    }
}
