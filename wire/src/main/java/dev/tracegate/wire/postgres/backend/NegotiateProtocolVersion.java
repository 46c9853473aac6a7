package dev.tracegate.wire.postgres.backend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.PgFrame;
import dev.tracegate.wire.postgres.PgMessage;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.ArrayList;
import java.util.List;

/**
 * NegotiateProtocolVersion ('v'): the server speaks an older 3.x minor version than the client asked for,
 * and/or did not recognize some {@code _pq_.} protocol options.
 *
 * <p>The documentation calls the first Int32 the "newest minor protocol version", but servers have always
 * sent the full version number (major in the high 16 bits, e.g. 196608 for 3.0) and libpq and pgjdbc read
 * it that way. So encode writes 3 &lt;&lt; 16 | minor, and decode accepts both the full number with major 3
 * and a bare minor.
 */
public record NegotiateProtocolVersion(int newestMinorVersion, List<String> unrecognizedOptions) implements PgMessage {

    public static final byte TYPE = 'v';
    private static final int MAJOR = 3;

    public NegotiateProtocolVersion {
        if (newestMinorVersion < 0 || newestMinorVersion > 0xFFFF) {
            throw new IllegalArgumentException("minor version " + newestMinorVersion + " out of range");
        }
        unrecognizedOptions = List.copyOf(unrecognizedOptions);
    }

    public static NegotiateProtocolVersion decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "NegotiateProtocolVersion");
        int version = reader.readInt32();
        int major = version >>> 16;
        if (major != 0 && major != MAJOR) {
            throw new ProtocolException("NegotiateProtocolVersion names protocol " + major + "." + (version & 0xFFFF));
        }
        int count = reader.readInt32();
        if (count < 0) {
            throw new ProtocolException("NegotiateProtocolVersion with negative option count " + count);
        }
        reader.requireElements(count, 1, "NegotiateProtocolVersion options");
        List<String> options = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            options.add(reader.readCString());
        }
        reader.expectEnd();
        return new NegotiateProtocolVersion(version & 0xFFFF, options);
    }

    @Override
    public PgFrame encode() {
        PgBodyWriter writer = new PgBodyWriter().int32(MAJOR << 16 | newestMinorVersion).int32(unrecognizedOptions.size());
        unrecognizedOptions.forEach(writer::cstring);
        return new PgFrame(TYPE, writer.toByteArray());
    }
}
