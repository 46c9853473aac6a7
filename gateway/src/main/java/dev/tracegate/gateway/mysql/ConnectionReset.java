package dev.tracegate.gateway.mysql;

import dev.tracegate.wire.mysql.ComQuery;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.MysqlProtocolException;
import java.io.IOException;
import java.util.List;

/**
 * COM_RESET_CONNECTION on the upstream, and the session's reading of SQL brought back to what the
 * gateway checked at sign-in. The server forgets the session's prepared statements, user
 * variables and session variables. MariaDB then restores the character set of the log-in itself;
 * MySQL sets the server's default, which may be one where a multi-byte character hides a quote
 * from the gateway (gbk, sjis, big5). So on MySQL, after the server's OK and before the caller
 * hears of it, the gateway sets the character set back to the collation the session logged in
 * with, the one the caller's handshake named and the gateway accepted. If the server will not,
 * the session ends: the gateway would no longer read its SQL as the server does.
 */
final class ConnectionReset {

    /** What the evidence records as the command's text: the command has no SQL form. */
    static final String TEXT = "COM_RESET_CONNECTION";

    private final PacketChannel upstream;
    private final PacketChannel client;
    private final ResponseRelay responses;
    private final int characterSet;
    private final boolean serverRestoresCharacterSet;

    /**
     * @param characterSet               the collation id the session logged in with
     * @param serverRestoresCharacterSet true for MariaDB, which sets the log-in's character set back on a reset
     */
    ConnectionReset(PacketChannel upstream, PacketChannel client, ResponseRelay responses, int characterSet,
                    boolean serverRestoresCharacterSet) {
        this.upstream = upstream;
        this.client = client;
        this.responses = responses;
        this.characterSet = characterSet;
        this.serverRestoresCharacterSet = serverRestoresCharacterSet;
    }

    /** For a session on {@code server}: MariaDB says so in its version ({@code 5.5.5-10.11.6-MariaDB}). */
    static ConnectionReset of(MysqlUpstream server, PacketChannel client, ResponseRelay responses) {
        return new ConnectionReset(server.channel(), client, responses, server.characterSet(),
                server.serverVersion().contains("MariaDB"));
    }

    /** Forwards the reset; the caller gets the server's answer once the character set is restored. */
    CommandOutcome run(byte[] payload) throws IOException {
        MysqlPacket answer = exchange(payload);
        if (answer.isErr()) {
            ErrPacket error = ErrPacket.decode(answer.payload());
            client.sendNow(answer.payload());
            return new CommandOutcome(List.of(), 0, error.code(), error.sqlState(), error.message());
        }
        if (serverRestoresCharacterSet) {
            client.sendNow(answer.payload());
            return new CommandOutcome(List.of("OK 0"), 0, 0, null, null);
        }
        MysqlPacket restored = exchange(new ComQuery(restoreStatement(characterSet)).encode());
        if (restored.isErr()) {
            throw new MysqlProtocolException("the server did not set the session's character set back after"
                    + " COM_RESET_CONNECTION (error " + ErrPacket.decode(restored.payload()).code() + "); the session is"
                    + " closed");
        }
        client.sendNow(answer.payload());
        return new CommandOutcome(List.of("OK 0", "character set restored: collation " + characterSet), 0, 0, null, null);
    }

    /**
     * What a handshake's collation id sets, by number (both servers take a collation id for these
     * variables): no name to map, and exactly the collation the gateway accepted at sign-in.
     */
    static String restoreStatement(int collation) {
        return "SET character_set_client = " + collation + ", character_set_results = " + collation
                + ", collation_connection = " + collation;
    }

    /** One command of the gateway's own on the upstream; its answer (OK or ERR) is not relayed. */
    private MysqlPacket exchange(byte[] payload) throws IOException {
        upstream.sequence(0);
        upstream.sendNow(payload);
        return responses.answer();
    }
}
