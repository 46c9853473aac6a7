package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

/** PortalSuspended ('s'): an Execute reached its row limit; the next Execute on the portal continues it. */
public final class PortalSuspended implements PgMessage {

    public static final byte TYPE = 's';
    public static final PortalSuspended INSTANCE = new PortalSuspended();

    private static final PgFrame FRAME = new PgFrame(TYPE, new byte[0]);

    private PortalSuspended() {
    }

    public static PortalSuspended decode(byte[] body) throws ProtocolException {
        new PgBodyReader(body, "PortalSuspended").expectEnd();
        return INSTANCE;
    }

    @Override
    public PgFrame encode() {
        return FRAME;
    }

    @Override
    public String toString() {
        return "PortalSuspended";
    }
}
