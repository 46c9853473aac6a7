package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.ledger.merkle.ConsistencyProof;
import dev.tracegate.ledger.merkle.MerkleTree;
import dev.tracegate.ledger.merkle.ProofException;
import dev.tracegate.ledger.merkle.SubtreeHashes;
import dev.tracegate.ledger.note.Checkpoint;
import dev.tracegate.ledger.note.LogKeyPair;
import dev.tracegate.ledger.note.LogSigner;
import dev.tracegate.ledger.note.NoteException;
import dev.tracegate.ledger.note.SignedNote;
import dev.tracegate.ledger.note.VerifierKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs checkpoints of the evidence log (C2SP tlog-checkpoint as an Ed25519 signed note): on a
 * timer while the log grows, on demand, and at shutdown. Each checkpoint is anchored outside the
 * store ({@link CheckpointAnchor}), stored, and handed to the configured sinks. Before signing,
 * the new tree is proven consistent with the last signed one, so the gateway never signs a
 * history that rewrites an earlier checkpoint; at start-up the store must extend the anchored
 * checkpoint ({@link #start}).
 */
public final class CheckpointService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointService.class);

    private final EvidenceLog log;
    private final String origin;
    private final LogKeyPair key;
    private final CheckpointAnchor anchor;
    private final List<CheckpointSink> sinks;
    private final ScheduledExecutorService timer;
    private final int intervalSeconds;
    private volatile Instant latestConfirmedAt;
    private SignedCheckpoint latest;
    /** Tree size of the checkpoint in the anchor file, as this node last wrote or read it; -1: none. */
    private long anchoredSize = -1;

    /** A checkpoint with its signed-note text. */
    public record SignedCheckpoint(Checkpoint checkpoint, String note) {
    }

    public CheckpointService(EvidenceLog log, String origin, LogKeyPair key, CheckpointAnchor anchor,
                             List<CheckpointSink> sinks, int intervalSeconds) {
        this.log = log;
        this.origin = origin;
        this.key = key;
        this.anchor = anchor;
        this.sinks = List.copyOf(sinks);
        this.latest = readLatest().orElse(null);
        this.intervalSeconds = intervalSeconds;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("checkpoint-signer").daemon(true).unstarted(r));
    }

    public VerifierKey verifierKey() {
        return key.verifierKey();
    }

    /** The log's name in its checkpoints ({@code evidence.origin}), which its key need not be named after. */
    public String origin() {
        return origin;
    }

    /** The log's signer, for the manifest of each bundle exported against a checkpoint it signed. */
    public LogSigner signer() {
        return key.signer();
    }

    public Optional<SignedCheckpoint> latest() {
        synchronized (this) {
            return Optional.ofNullable(latest);
        }
    }

    /**
     * When a signed checkpoint last covered every durable event (a new one was signed, or nothing
     * had been added since the last); empty before the first. Its age is what an auditor's copy
     * may lack, so operations watch it.
     */
    public Optional<Instant> latestConfirmedAt() {
        return Optional.ofNullable(latestConfirmedAt);
    }

    /** Signs a checkpoint of everything durable now (or returns the latest if nothing was added). */
    public synchronized SignedCheckpoint signNow() {
        log.awaitStored();
        // Read before the store is: what it says this node wrote is committed, so the read below sees it.
        Optional<WrittenHead> written = log.written();
        try (EvidenceReader reader = log.reader()) {
            Connection connection = reader.connection();
            SubtreeHashes hashes = reader.subtrees();
            long size = reader.size();
            if (written.isPresent()) {
                requireExtendsWritten(written.get(), size, hashes);
            }
            if (latest != null && latest.checkpoint().size() == size) {
                anchor(latest);
                latestConfirmedAt = Instant.now();
                return latest;
            }
            byte[] root = MerkleTree.rootFrom(hashes, size);
            if (latest != null) {
                requireConsistent(latest.checkpoint(), size, root, hashes);
            }
            Checkpoint checkpoint = new Checkpoint(origin, size, root);
            String note = key.signer().sign(checkpoint);
            // Anchored before anything else learns of it: a checkpoint the store has but the anchor lacks could be undone.
            anchor(new SignedCheckpoint(checkpoint, note));
            store(connection, checkpoint, note);
            latest = new SignedCheckpoint(checkpoint, note);
            latestConfirmedAt = Instant.now();
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

    private static void requireConsistent(Checkpoint previous, long size, byte[] root, SubtreeHashes hashes) {
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
     * The store's log must extend the tree this node's last batch left (shared store): events
     * written since the last checkpoint are in no signed note yet, so a store whose rows, hashes
     * and head were cut back or rewritten since would otherwise be signed as it is, and every
     * bundle after would verify without them.
     */
    private static void requireExtendsWritten(WrittenHead written, long size, SubtreeHashes hashes) {
        Optional<String> inconsistency = written.inconsistencyWith(size, hashes);
        if (inconsistency.isPresent()) {
            throw new StoreException(inconsistency.get() + "; refusing to sign");
        }
    }

    /**
     * The start-up check, then signing on the timer: the store must extend the anchored
     * checkpoint, the latest one in {@code published} (a publish directory) and its own latest
     * ({@link StoreHistoryCheck}). Then the anchor is brought up to date. A store with events but
     * no anchor (the first start of a gateway that anchors, or an anchor someone removed) is
     * anchored as it is, which is said in the log and recorded as an {@code admin.action} event,
     * so an auditor sees it. Nothing is signed before the check has passed.
     */
    public void start(Optional<String> published) {
        verifyStore(published);
        timer.scheduleWithFixedDelay(this::signIfGrown, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    private void verifyStore(Optional<String> published) {
        Optional<String> anchored = anchor.read();
        List<StoreHistoryCheck.Reference> references = new ArrayList<>();
        anchored.ifPresent(note -> references.add(reference("the anchored checkpoint in " + anchor.file(), note)));
        published.ifPresent(note -> references.add(reference("the published checkpoint", note)));
        if (latest != null) {
            references.add(new StoreHistoryCheck.Reference("the store's latest checkpoint", latest.checkpoint()));
        }
        long size;
        try (EvidenceReader reader = log.reader()) {
            size = reader.size();
            StoreHistoryCheck.requireExtends(reader, log.hashTables(), references);
        }
        anchoredSize = anchored.isEmpty() ? -1 : references.getFirst().checkpoint().size();
        if (anchored.isEmpty() && size > 0) {
            LOG.warn("no evidence anchor at {}: anchoring the store's history as it is now ({} events). If an anchor was"
                    + " there before, someone removed it.", anchor.file(), size);
            ObjectNode detail = EvidenceEvent.newDetail();
            detail.put("action", "evidence.anchor.created");
            detail.put("anchor", anchor.file().toString());
            detail.put("tree_size", size);
            detail.put("note", "no anchor was found at start-up; the store's history was anchored as it was");
            log.append(new EvidenceEvent(Instant.now(), EventType.ADMIN_ACTION, EvidenceEvent.GATEWAY, null, null, null, detail));
        }
        // From the very first start (an empty log included) there is an anchor, so a missing one always means something.
        if (anchored.isEmpty() || anchoredSize < size) {
            signNow();
        }
    }

    private StoreHistoryCheck.Reference reference(String source, String note) {
        try {
            Checkpoint checkpoint = SignedNote.verify(note, key.verifierKey());
            if (!checkpoint.origin().equals(origin)) {
                throw new StoreException(source + " is for log " + checkpoint.origin() + ", not " + origin
                        + " (evidence.origin): another log's checkpoint; refusing to start");
            }
            return new StoreHistoryCheck.Reference(source, checkpoint);
        } catch (NoteException e) {
            throw new StoreException(source + " does not verify with the log key (" + e.getMessage() + "): the key or the"
                    + " checkpoint was replaced; refusing to start");
        }
    }

    /** Writes {@code checkpoint} to the anchor unless the anchor already holds it (or a newer one). */
    private void anchor(SignedCheckpoint checkpoint) {
        if (checkpoint.checkpoint().size() > anchoredSize) {
            anchor.write(checkpoint.note());
            anchoredSize = checkpoint.checkpoint().size();
        }
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

    private static void store(Connection connection, Checkpoint checkpoint, String note) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO checkpoint (tree_size, note, signed_at) VALUES (?, ?, ?)")) {
            insert.setLong(1, checkpoint.size());
            insert.setString(2, note);
            insert.setTimestamp(3, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
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
