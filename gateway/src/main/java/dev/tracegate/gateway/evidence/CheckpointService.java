package dev.tracegate.gateway.evidence;

import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.ledger.merkle.CompactRange;
import dev.tracegate.ledger.merkle.ConsistencyProof;
import dev.tracegate.ledger.merkle.MerkleHashes;
import dev.tracegate.ledger.merkle.MerkleTree;
import dev.tracegate.ledger.merkle.ProofException;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import dev.tracegate.ledger.note.NoteException;
import dev.tracegate.ledger.note.SignedNote;
import dev.tracegate.ledger.note.VerifierKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs checkpoints of the evidence log (C2SP tlog-checkpoint as an Ed25519 signed note): on a
 * timer while the log grows, on demand, and at shutdown. Each checkpoint is stored and handed
 * to the configured sinks. Before signing, the new tree is proven consistent with the last
 * signed one, so the gateway never signs a history that rewrites an earlier checkpoint.
 */
public final class CheckpointService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointService.class);

    private final EvidenceLog log;
    private final String origin;
    private final LogKeyPair key;
    private final List<CheckpointSink> sinks;
    private final ScheduledExecutorService timer;
    private SignedCheckpoint latest;

    /** A checkpoint with its signed-note text. */
    public record SignedCheckpoint(Checkpoint checkpoint, String note) {
    }

    public CheckpointService(EvidenceLog log, String origin, LogKeyPair key, List<CheckpointSink> sinks,
                             int intervalSeconds) {
        this.log = log;
        this.origin = origin;
        this.key = key;
        this.sinks = List.copyOf(sinks);
        this.latest = readLatest().orElse(null);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("checkpoint-signer").daemon(true).unstarted(r));
        timer.scheduleWithFixedDelay(this::signIfGrown, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    public VerifierKey verifierKey() {
        return key.verifierKey();
    }

    public Optional<SignedCheckpoint> latest() {
        synchronized (this) {
            return Optional.ofNullable(latest);
        }
    }

    /** Signs a checkpoint of everything durable now (or returns the latest if nothing was added). */
    public synchronized SignedCheckpoint signNow() {
        log.awaitStored();
        try (Connection connection = log.store().dataSource().getConnection();
             StoredSubtreeHashes hashes = new StoredSubtreeHashes(connection)) {
            long size = storedSize(connection);
            if (latest != null && latest.checkpoint().size() == size) {
                return latest;
            }
            byte[] root = MerkleTree.rootFrom(hashes, size);
            if (latest != null) {
                requireConsistent(latest.checkpoint(), size, root, hashes);
            }
            Checkpoint checkpoint = new Checkpoint(origin, size, root);
            String note = key.signer().sign(checkpoint);
            store(connection, checkpoint, note);
            latest = new SignedCheckpoint(checkpoint, note);
            for (CheckpointSink sink : sinks) {
                sink.publish(latest);
            }
            return latest;
        } catch (SQLException e) {
            throw new StoreException("cannot sign a checkpoint", e);
        }
    }

    private void signIfGrown() {
        try {
            SignedCheckpoint current = latest;
            if (current == null || log.size() > current.checkpoint().size()) {
                signNow();
            }
        } catch (RuntimeException e) {
            LOG.error("checkpoint signing failed: {}", e.getMessage());
        }
    }

    private static void requireConsistent(Checkpoint previous, long size, byte[] root, StoredSubtreeHashes hashes) {
        if (size < previous.size()) {
            throw new StoreException("the log has " + size + " events but checkpoint " + previous.size()
                    + " was already signed: the log was truncated; refusing to sign");
        }
        try {
            List<byte[]> proof = ConsistencyProof.create(previous.size(), size, hashes);
            ConsistencyProof.verify(previous.size(), size, previous.rootHash(), root, proof);
        } catch (ProofException e) {
            throw new StoreException("the log is not an extension of checkpoint " + previous.size()
                    + ": " + e.getMessage() + "; refusing to sign");
        }
    }

    /**
     * The start-up check: the store must still contain the tree of the last checkpoint that was
     * signed (from the store, or a newer one from a sink outside it). Every stored event is
     * rehashed, so this costs one pass over the log (about a second per million events). A
     * truncated or rewritten log is refused with a description of what was found.
     */
    public void verifyStoreAgainst(Optional<String> publishedNote) {
        Optional<Checkpoint> published = publishedNote.map(note -> {
            try {
                return SignedNote.verify(note, key.verifierKey());
            } catch (NoteException e) {
                throw new StoreException("the published checkpoint does not verify with the log key: " + e.getMessage());
            }
        });
        Optional<Checkpoint> reference = published;
        if (latest != null && (reference.isEmpty() || latest.checkpoint().size() > reference.get().size())) {
            reference = Optional.of(latest.checkpoint());
        }
        if (reference.isEmpty()) {
            return;
        }
        Checkpoint expected = reference.get();
        try (Connection connection = log.store().dataSource().getConnection();
             StoredSubtreeHashes hashes = new StoredSubtreeHashes(connection)) {
            long size = storedSize(connection);
            if (size < expected.size()) {
                throw new StoreException("the evidence log holds " + size + " events but checkpoint " + expected.size()
                        + " was signed earlier: events were deleted; refusing to start");
            }
            byte[] subtreeRoot = MerkleTree.rootFrom(hashes, expected.size());
            byte[] leafRoot = rootFromLeaves(connection, expected.size());
            if (!Arrays.equals(subtreeRoot, expected.rootHash()) || !Arrays.equals(leafRoot, expected.rootHash())) {
                throw new StoreException("the first " + expected.size() + " events of the evidence log no longer match"
                        + " the signed checkpoint of that size: the log was rewritten; refusing to start");
            }
        } catch (SQLException e) {
            throw new StoreException("cannot check the evidence log against its checkpoint", e);
        }
    }

    /** Rehashes every stored event: a rewritten event changes this root even if the hash tables were left alone. */
    private static byte[] rootFromLeaves(Connection connection, long size) throws SQLException {
        CompactRange range = CompactRange.empty();
        try (PreparedStatement select = connection.prepareStatement("SELECT idx, leaf FROM evidence_event WHERE idx < ? ORDER BY idx")) {
            select.setLong(1, size);
            select.setFetchSize(1000);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    if (rs.getLong(1) != range.size()) {
                        throw new StoreException("evidence event " + range.size() + " is missing from the store; refusing to start");
                    }
                    range.append(MerkleHashes.leafHash(rs.getBytes(2)));
                }
            }
        }
        return range.root();
    }

    private Optional<SignedCheckpoint> readLatest() {
        try (Connection connection = log.store().dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT note FROM checkpoint ORDER BY tree_size DESC LIMIT 1");
             ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            String note = rs.getString(1);
            return Optional.of(new SignedCheckpoint(SignedNote.verify(note, key.verifierKey()), note));
        } catch (SQLException e) {
            throw new StoreException("cannot read the latest checkpoint", e);
        } catch (NoteException e) {
            throw new StoreException("the latest stored checkpoint does not verify with the log key ("
                    + e.getMessage() + "): the store or the key was replaced; refusing to start");
        }
    }

    private static long storedSize(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT tree_size FROM log_head WHERE id = 1");
             ResultSet rs = select.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void store(Connection connection, Checkpoint checkpoint, String note) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO checkpoint (tree_size, note, signed_at) VALUES (?, ?, ?)")) {
            insert.setLong(1, checkpoint.size());
            insert.setString(2, note);
            insert.setTimestamp(3, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
    }

    /** Stops the timer and signs a final checkpoint. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            signNow();
        } catch (RuntimeException e) {
            LOG.error("final checkpoint not signed: {}", e.getMessage());
        }
    }
}
