package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.ProtocolException;

/**
 * The untyped first message of a connection. Its body starts with an Int32 code that tells the kinds
 * apart: special request codes, or a protocol version (major in the high 16 bits) for a StartupMessage.
 */
public sealed interface StartupPacket permits SslRequest, GssEncRequest, CancelRequest, StartupMessage {

    /** The body without the length word, for {@link dev.tracegate.wire.postgres.PgFrameWriter#writeStartup}. */
    byte[] encodeBody();

    /**
     * @param body the body from {@link dev.tracegate.wire.postgres.PgFrameReader#readStartupBody()}
     * @throws ProtocolException for an unknown code, an unsupported major version or a malformed body
     */
    static StartupPacket decode(byte[] body) throws ProtocolException {
        int code = new PgBodyReader(body, "startup packet").readInt32();
        return switch (code) {
            case SslRequest.CODE -> SslRequest.decode(body);
            case GssEncRequest.CODE -> GssEncRequest.decode(body);
            case CancelRequest.CODE -> CancelRequest.decode(body);
            default -> {
                if (code >>> 16 != StartupMessage.PROTOCOL_MAJOR) {
                    throw new ProtocolException("unsupported startup request code " + code
                            + " (protocol " + (code >>> 16) + "." + (code & 0xFFFF) + ")");
                }
                yield StartupMessage.decode(body);
            }
        };
    }
}
