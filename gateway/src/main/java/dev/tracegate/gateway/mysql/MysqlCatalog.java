package dev.tracegate.gateway.mysql;

import dev.tracegate.gateway.config.MysqlConnectionConfig;
import dev.tracegate.gateway.lineage.CatalogUnavailableException;
import dev.tracegate.wire.mysql.Capabilities;
import dev.tracegate.wire.mysql.ColumnDefinition41;
import dev.tracegate.wire.mysql.ComQuery;
import dev.tracegate.wire.mysql.ErrPacket;
import dev.tracegate.wire.mysql.MysqlPacket;
import dev.tracegate.wire.mysql.PayloadReader;
import dev.tracegate.wire.mysql.TextRow;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's own side connection to one MySQL upstream, for its catalog (the lineage check of
 * masked callers). Kept apart from callers' sessions, whose transactions and settings it must not
 * see or change. Opened on first use with the held password, reopened after a failure.
 */
final class MysqlCatalog implements AutoCloseable {

    private static final long CAPABILITIES = Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_DEPRECATE_EOF
            | Capabilities.CLIENT_TRANSACTIONS;
    private static final int UTF8MB4 = 45;
    private static final int MAX_PACKET_BYTES = 16 * 1024 * 1024;

    private final MysqlConnectionConfig connection;
    private final MysqlUpstreamConnector connector;
    private MysqlUpstream upstream;

    MysqlCatalog(MysqlConnectionConfig connection, MysqlUpstreamConnector connector) {
        this.connection = connection;
        this.connector = connector;
    }

    /** The rows of one of the gateway's own catalog queries, as text. */
    synchronized List<List<String>> query(String sql) throws CatalogUnavailableException {
        try {
            if (upstream == null) {
                upstream = connector.connect(connection, CAPABILITIES, UTF8MB4, MAX_PACKET_BYTES);
            }
            PacketChannel channel = upstream.channel();
            channel.sequence(0);
            channel.sendNow(new ComQuery(sql).encode());
            return rows(channel);
        } catch (UpstreamException | IOException e) {
            close();
            throw new CatalogUnavailableException("catalog lookup failed: " + e.getMessage(), e);
        }
    }

    private static List<List<String>> rows(PacketChannel channel) throws IOException, CatalogUnavailableException {
        MysqlPacket first = next(channel);
        if (first.isErr()) {
            throw new CatalogUnavailableException("catalog query failed: " + ErrPacket.decode(first.payload()).message(),
                    null);
        }
        int columns = (int) new PayloadReader(first.payload()).lenencInt();
        for (int i = 0; i < columns; i++) {
            ColumnDefinition41.decode(next(channel).payload());
        }
        List<List<String>> rows = new ArrayList<>();
        while (true) {
            MysqlPacket packet = next(channel);
            if (packet.isErr()) {
                throw new CatalogUnavailableException("catalog query failed: "
                        + ErrPacket.decode(packet.payload()).message(), null);
            }
            if (packet.isEofOrTerminalOk()) {
                return rows;
            }
            List<String> row = new ArrayList<>(columns);
            for (byte[] value : TextRow.decode(packet.payload(), columns).values()) {
                row.add(value == null ? null : new String(value, StandardCharsets.UTF_8));
            }
            rows.add(row);
        }
    }

    private static MysqlPacket next(PacketChannel channel) throws IOException {
        MysqlPacket packet = channel.read();
        if (packet == null) {
            throw new EOFException("the upstream closed the catalog connection");
        }
        return packet;
    }

    @Override
    public synchronized void close() {
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
    }
}
