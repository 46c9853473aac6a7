package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.Store;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upgrades an embedded store from the version that kept every event as a database row (with a
 * write-ahead journal in front): once, when the leaf log is still empty, the stored events and
 * then whatever the old journal held beyond them move into the leaf log, in order and unchanged,
 * and the rows are dropped. The anchor check that follows at start-up proves the move: the log
 * must still extend every checkpoint signed before.
 */
final class EarlierStoreImport {

    private static final Logger LOG = LoggerFactory.getLogger(EarlierStoreImport.class);
    private static final int BATCH = 1_000;

    private final Store store;
    private final LeafLog log;

    EarlierStoreImport(Store store, LeafLog log) {
        this.store = store;
        this.log = log;
    }

    void importInto(Path oldJournal) throws IOException, SQLException {
        if (log.size() > 0) {
            return;
        }
        long rows = importRows();
        long journalled = importJournal(oldJournal);
        if (rows + journalled > 0) {
            LOG.warn("moved {} evidence events from the store's rows and {} from the old journal into the leaf log {}",
                    rows, journalled, log.directory());
        }
    }

    private long importRows() throws IOException, SQLException {
        try (Connection connection = store.dataSource().getConnection()) {
            List<SealedEvent> batch = new ArrayList<>(BATCH);
            try (PreparedStatement select = connection.prepareStatement("SELECT idx, leaf FROM evidence_event ORDER BY idx")) {
                select.setFetchSize(BATCH);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        add(batch, rs.getLong(1), rs.getBytes(2));
                    }
                }
            }
            flush(batch);
            long moved = log.size();
            if (moved > 0) {
                log.force();
                try (Statement sql = connection.createStatement()) {
                    sql.execute("TRUNCATE TABLE evidence_event");
                }
            }
            return moved;
        }
    }

    /** Records of the old journal ({@code int64 index, int32 length, leaf, int32 CRC-32C}) that continue the log. */
    private long importJournal(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        long before = log.size();
        List<Path> segments;
        try (Stream<Path> files = Files.list(directory)) {
            segments = files.filter(p -> p.getFileName().toString().endsWith(".journal")).sorted().toList();
        }
        List<SealedEvent> batch = new ArrayList<>(BATCH);
        for (Path segment : segments) {
            try (InputStream raw = Files.newInputStream(segment)) {
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
                while (true) {
                    long index;
                    byte[] leaf;
                    int stored;
                    try {
                        index = in.readLong();
                        leaf = new byte[in.readInt()];
                        in.readFully(leaf);
                        stored = in.readInt();
                    } catch (EOFException | NegativeArraySizeException | OutOfMemoryError torn) {
                        break; // the journal's torn final write: never acknowledged
                    }
                    if (stored != crc(index, leaf)) {
                        break;
                    }
                    if (index == log.size() + batch.size()) {
                        add(batch, index, leaf);
                    }
                }
            }
        }
        flush(batch);
        return log.size() - before;
    }

    private void add(List<SealedEvent> batch, long index, byte[] leaf) throws IOException {
        batch.add(SealedEvent.fromLeaf(index, leaf));
        if (batch.size() == BATCH) {
            flush(batch);
        }
    }

    private void flush(List<SealedEvent> batch) throws IOException {
        if (!batch.isEmpty()) {
            log.append(batch);
            batch.clear();
        }
    }

    private static int crc(long index, byte[] leaf) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(12).putLong(index).putInt(leaf.length).array());
        crc.update(leaf);
        return (int) crc.getValue();
    }
}
