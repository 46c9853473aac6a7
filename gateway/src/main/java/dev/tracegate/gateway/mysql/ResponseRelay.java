package dev.tracegate.gateway.mysql;

import dev.tracegate.wire.mysql.Capabilities;
import dev.tracegate.wire.mysql.ColumnDefinition41;
import dev.tracegate.wire.mysql.ComStmtPrepareOk;
import dev.tracegate.wire.mysql.EofPacket;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.MysqlProtocolException;
import dev.tracegate.wire.mysql.OkPacket;
import dev.tracegate.wire.mysql.PayloadReader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Carries the server's answer to one command to the caller, packet by packet: OK and ERR, result
 * sets (column definitions, then rows through the command's {@link ResultMasking}, then their
 * end), one after another while the server says more follow. Memory stays bounded by one packet.
 * A request to read a local file ({@code LOAD DATA LOCAL}) reaches the caller only for the file
 * the command names when the policy allowed it; the file's bytes are relayed to the server and
 * counted and hashed (SHA-256) for the evidence. Any other request is answered with an empty file
 * and never reaches the caller. The caller's packets are numbered after its command, whatever the
 * gateway changes.
 */
final class ResponseRelay {

    private static final int LOCAL_INFILE = 0xFB;
    private static final int EOF_MAX_BYTES = 9;

    private final PacketChannel upstream;
    private final PacketChannel client;
    private final boolean deprecateEof;
    private int statusFlags;

    /** @param statusFlags the server status before the first command (its login OK's) */
    ResponseRelay(PacketChannel upstream, PacketChannel client, long capabilities, int statusFlags) {
        this.upstream = upstream;
        this.client = client;
        this.deprecateEof = Capabilities.has(capabilities, Capabilities.CLIENT_DEPRECATE_EOF);
        this.statusFlags = statusFlags;
    }

    /** The server status last reported (in an OK or EOF packet): how the server reads the next statement's strings. */
    int statusFlags() {
        return statusFlags;
    }

    /**
     * The answer to a command that may return OK, ERR or result sets; {@code binaryRows} after
     * COM_STMT_EXECUTE; {@code localFile}, the file a policy-allowed LOAD DATA LOCAL INFILE names
     * (null for every other command).
     */
    CommandOutcome relay(ResultMasking results, boolean binaryRows, String localFile) throws IOException {
        List<String> tags = new ArrayList<>();
        long rows = 0;
        try {
            while (true) {
                MysqlPacket packet = next();
                int header = packet.header();
                if (header == ErrPacket.HEADER) {
                    return error(packet, results, tags, rows);
                }
                if (header == OkPacket.HEADER || (header == EofPacket.HEADER && packet.payload().length < EOF_MAX_BYTES)) {
                    client.send(packet.payload());
                    OkPacket ok = header == OkPacket.HEADER ? OkPacket.decode(packet.payload()) : null;
                    if (ok != null) {
                        tags.add("OK " + ok.affectedRows());
                        rows += ok.affectedRows();
                        statusFlags = ok.statusFlags();
                    } else if (packet.payload().length == 5) {
                        statusFlags = EofPacket.decode(packet.payload()).statusFlags();
                    } else {
                        statusFlags = OkPacket.decode(packet.payload()).statusFlags();
                    }
                    if (ok == null || !ok.moreResults()) {
                        return new CommandOutcome(tags, rows, 0, null, null);
                    }
                    continue;
                }
                if (header == LOCAL_INFILE) {
                    tags.add(localFile(packet, localFile));
                    continue;
                }
                ResultSetEnd end = resultSet(packet, results, binaryRows);
                rows += end.rows;
                tags.add("SELECT " + end.rows);
                if (end.error != null) {
                    return outcome(end.error, results, tags, rows);
                }
                if (!end.moreResults) {
                    return new CommandOutcome(tags, rows, 0, null, null);
                }
            }
        } finally {
            client.flush();
        }
    }

    /**
     * The server asks for a local file: the caller's, relayed packet by packet to the server and
     * counted and hashed, when it is the file the allowed statement names; otherwise an empty one.
     * Returns what the evidence says of it.
     */
    private String localFile(MysqlPacket request, String allowed) throws IOException {
        String asked = new String(request.payload(), 1, request.payload().length - 1, StandardCharsets.UTF_8);
        if (allowed == null || !allowed.equals(asked)) {
            upstream.sendNow(new byte[0]);
            return "LOCAL INFILE refused";
        }
        client.sendNow(request.payload());
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long bytes = 0;
        while (true) {
            MysqlPacket data = client.read();
            if (data == null) {
                throw new EOFException("the client left while sending a local file");
            }
            upstream.send(data.payload());
            if (data.payload().length == 0) {
                upstream.flush();
                return "LOCAL INFILE " + bytes + " bytes sha256 " + HexFormat.of().formatHex(sha256.digest());
            }
            sha256.update(data.payload());
            bytes += data.payload().length;
        }
    }

    /**
     * The answer (OK or ERR) to a command of the gateway's own, kept from the caller; an OK's
     * status becomes the session's. Anything else is not an answer such a command can have.
     */
    MysqlPacket answer() throws IOException {
        MysqlPacket packet = next();
        if (packet.header() == OkPacket.HEADER) {
            statusFlags = OkPacket.decode(packet.payload()).statusFlags();
        } else if (packet.header() != ErrPacket.HEADER) {
            throw new MysqlProtocolException("the upstream answered a command of the gateway's own with packet 0x"
                    + Integer.toHexString(packet.header()));
        }
        return packet;
    }

    /**
     * The answer to COM_STMT_PREPARE: the statement's id with its parameter and column
     * definitions, or an error ({@code null} then).
     */
    ComStmtPrepareOk relayPrepare() throws IOException {
        try {
            MysqlPacket packet = next();
            if (packet.header() == ErrPacket.HEADER) {
                client.send(packet.payload());
                return null;
            }
            ComStmtPrepareOk ok = ComStmtPrepareOk.decode(packet.payload());
            client.send(packet.payload());
            definitions(ok.parameters());
            definitions(ok.columns());
            return ok;
        } finally {
            client.flush();
        }
    }

    private List<ColumnDefinition41> definitions(int count) throws IOException {
        List<ColumnDefinition41> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            MysqlPacket packet = next();
            columns.add(ColumnDefinition41.decode(packet.payload()));
            client.send(packet.payload());
        }
        if (count > 0 && !deprecateEof) {
            MysqlPacket eof = next();
            EofPacket.decode(eof.payload());
            client.send(eof.payload());
        }
        return columns;
    }

    private record ResultSetEnd(long rows, boolean moreResults, ErrPacket error) {
    }

    private ResultSetEnd resultSet(MysqlPacket first, ResultMasking results, boolean binaryRows) throws IOException {
        PayloadReader header = new PayloadReader(first.payload());
        long count = header.lenencInt();
        header.end("a result set header");
        if (count <= 0 || count > 4096) {
            throw new MysqlProtocolException("a result set of " + count + " columns");
        }
        client.send(first.payload());
        results.columns(definitions((int) count), binaryRows);
        long rows = 0;
        while (true) {
            MysqlPacket packet = next();
            if (packet.header() == ErrPacket.HEADER) {
                return new ResultSetEnd(rows, false, ErrPacket.decode(packet.payload()));
            }
            if (packet.isEofOrTerminalOk()) {
                client.send(packet.payload());
                statusFlags = deprecateEof ? OkPacket.decode(packet.payload()).statusFlags()
                        : EofPacket.decode(packet.payload()).statusFlags();
                return new ResultSetEnd(rows, (statusFlags & OkPacket.SERVER_MORE_RESULTS_EXISTS) != 0, null);
            }
            client.send(results.row(packet.payload()));
            rows++;
        }
    }

    private CommandOutcome error(MysqlPacket packet, ResultMasking results, List<String> tags, long rows)
            throws MysqlProtocolException, IOException {
        return outcome(ErrPacket.decode(packet.payload()), results, tags, rows);
    }

    private CommandOutcome outcome(ErrPacket error, ResultMasking results, List<String> tags, long rows) throws IOException {
        client.send(new ErrPacket(error.code(), error.sqlState(), results.clientMessage(error)).encode());
        return new CommandOutcome(tags, rows, error.code(), error.sqlState(), results.recordedMessage(error));
    }

    private MysqlPacket next() throws IOException {
        MysqlPacket packet = upstream.read();
        if (packet == null) {
            throw new EOFException("the upstream closed the connection");
        }
        return packet;
    }
}
