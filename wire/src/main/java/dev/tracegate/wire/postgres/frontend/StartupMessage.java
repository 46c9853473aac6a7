package dev.tracegate.wire.postgres.frontend;

import dev.tracegate.wire.postgres.PgBodyReader;
import dev.tracegate.wire.postgres.PgBodyWriter;
import dev.tracegate.wire.postgres.ProtocolException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * StartupMessage: protocol version (Int32, major in the high 16 bits), then name/value string pairs,
 * then a single NUL. Parameters keep the client's order. Names starting with {@code _pq_.} are protocol
 * options rather than settings.
 */
public record StartupMessage(int majorVersion, int minorVersion, Map<String, String> parameters)
        implements StartupPacket {

    public static final int PROTOCOL_MAJOR = 3;

    public StartupMessage {
        if (majorVersion < 0 || majorVersion > 0xFFFF || minorVersion < 0 || minorVersion > 0xFFFF) {
            throw new IllegalArgumentException("protocol version " + majorVersion + "." + minorVersion + " out of range");
        }
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** A protocol 3.0 startup with the given parameters (e.g. user, database, application_name). */
    public static StartupMessage of(Map<String, String> parameters) {
        return new StartupMessage(PROTOCOL_MAJOR, 0, parameters);
    }

    /**
     * @throws ProtocolException if the body is malformed or names a parameter twice: the server would
     *                           apply the last value, so a gateway reading the first could be fooled
     */
    public static StartupMessage decode(byte[] body) throws ProtocolException {
        PgBodyReader reader = new PgBodyReader(body, "StartupMessage");
        int version = reader.readInt32();
        Map<String, String> parameters = new LinkedHashMap<>();
        while (true) {
            String name = reader.readCString();
            if (name.isEmpty()) {
                break;
            }
            String value = reader.readCString();
            if (parameters.putIfAbsent(name, value) != null) {
                throw new ProtocolException("duplicate startup parameter \"" + name + "\"");
            }
        }
        reader.expectEnd();
        return new StartupMessage(version >>> 16, version & 0xFFFF, parameters);
    }

    /** The version as sent on the wire: major in the high 16 bits, minor in the low. */
    public int protocolVersion() {
        return (majorVersion << 16) | minorVersion;
    }

    public String user() {
        return parameters.get("user");
    }

    /** The database; the server defaults it to the user name when absent. */
    public String database() {
        String database = parameters.get("database");
        return database != null ? database : user();
    }

    @Override
    public byte[] encodeBody() {
        PgBodyWriter writer = new PgBodyWriter(128).int32(protocolVersion());
        parameters.forEach((name, value) -> {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("startup parameter names must not be empty");
            }
            writer.cstring(name).cstring(value);
        });
        return writer.int8(0).toByteArray();
    }
}
