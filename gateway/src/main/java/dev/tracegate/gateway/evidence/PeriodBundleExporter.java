package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.ledger.bundle.BundleAttachments;
import dev.tracegate.ledger.bundle.ConsistencyLine;
import dev.tracegate.ledger.bundle.EvidenceBundleWriter;
import dev.tracegate.ledger.bundle.ProofLine;
import dev.tracegate.ledger.jcs.Jcs;
import dev.tracegate.ledger.merkle.ConsistencyProof;
import dev.tracegate.ledger.merkle.InclusionProof;
import dev.tracegate.ledger.note.NoteException;
import dev.tracegate.ledger.note.SignedNote;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Writes the bundle of one period for an audit report: the events of {@link PeriodSelection}
 * with an inclusion proof each, their blobs, and a consistency proof from every stored checkpoint
 * that sealed the period's events to the fresh checkpoint the bundle is verified against. The
 * attachments (report.json, report.html) are computed from the finished events and listed in the
 * manifest with them.
 */
public final class PeriodBundleExporter {

    private final EvidenceLog log;
    private final CheckpointService checkpoints;

    /** What was written. */
    public record Summary(long events, long treeSize, long checkpointsLinked) {
    }

    public PeriodBundleExporter(EvidenceLog log, CheckpointService checkpoints) {
        this.log = log;
        this.checkpoints = checkpoints;
    }

    public Summary export(Instant from, Instant to, Path target, BundleAttachments attachments) throws IOException {
        CheckpointService.SignedCheckpoint checkpoint = checkpoints.signNow();
        long treeSize = checkpoint.checkpoint().size();
        try (EvidenceBundleWriter bundle = EvidenceBundleWriter.open(target);
             Connection connection = log.store().dataSource().getConnection();
             StoredSubtreeHashes hashes = new StoredSubtreeHashes(connection)) {
            connection.setAutoCommit(false);
            PeriodSelection selection = PeriodSelection.find(connection, from, to, treeSize);
            long written = 0;
            Set<String> blobs = new HashSet<>();
            for (long index : selection.context()) {
                written += addEvents(connection, hashes, bundle, blobs, index, index, treeSize);
            }
            written += addEvents(connection, hashes, bundle, blobs, selection.first(), selection.last(), treeSize);
            long linked = addConsistencyProofs(connection, hashes, bundle, selection, treeSize);
            bundle.finish(checkpoint.note(), checkpoints.verifierKey().format(), attachments);
            return new Summary(written, treeSize, linked);
        } catch (SQLException e) {
            throw new StoreException("cannot read events for the period's bundle", e);
        }
    }

    private long addEvents(Connection connection, StoredSubtreeHashes hashes, EvidenceBundleWriter bundle, Set<String> blobs,
                           long first, long last, long treeSize) throws SQLException, IOException {
        if (last < first) {
            return 0;
        }
        long written = 0;
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT idx, leaf FROM evidence_event WHERE idx >= ? AND idx <= ? AND idx < ? ORDER BY idx")) {
            select.setLong(1, first);
            select.setLong(2, last);
            select.setLong(3, treeSize);
            select.setFetchSize(1000);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    long index = rs.getLong(1);
                    byte[] leaf = rs.getBytes(2);
                    bundle.addEvent(leaf, new ProofLine(index, treeSize, InclusionProof.create(index, treeSize, hashes)));
                    addBlobs(bundle, leaf, blobs);
                    written++;
                }
            }
        }
        return written;
    }

    /** The blobs an event refers to that the store still holds (retention may have removed some). */
    private void addBlobs(EvidenceBundleWriter bundle, byte[] leaf, Set<String> added) throws IOException {
        if (!new String(leaf, StandardCharsets.UTF_8).contains("\"blob\":\"sha256:")) {
            return;
        }
        for (JsonNode node : Jcs.parse(leaf).findValues("blob")) {
            if (added.add(node.asText())) {
                Optional<byte[]> content = log.blobs().get(node.asText());
                if (content.isPresent()) {
                    bundle.addBlob(content.get());
                }
            }
        }
    }

    /**
     * Every stored checkpoint that sealed events of the range, plus the last one before it and the
     * first one after, each with its proof of being a prefix of the bundle's checkpoint. Notes
     * signed by another key (before a key rotation) are left out: the auditor checks with this one.
     */
    private long addConsistencyProofs(Connection connection, StoredSubtreeHashes hashes, EvidenceBundleWriter bundle,
                                      PeriodSelection selection, long treeSize) throws SQLException, IOException {
        if (selection.last() < selection.first()) {
            return 0;
        }
        long linked = 0;
        try (PreparedStatement select = connection.prepareStatement("SELECT tree_size, note FROM checkpoint"
                + " WHERE tree_size > 0 AND tree_size < ? AND tree_size >= COALESCE((SELECT MAX(tree_size) FROM checkpoint"
                + " WHERE tree_size <= ?), 0) AND tree_size <= COALESCE((SELECT MIN(tree_size) FROM checkpoint WHERE tree_size > ?), ?)"
                + " ORDER BY tree_size")) {
            select.setLong(1, treeSize);
            select.setLong(2, selection.first());
            select.setLong(3, selection.last());
            select.setLong(4, treeSize);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    long size = rs.getLong(1);
                    String note = rs.getString(2);
                    if (signedByThisKey(note)) {
                        bundle.addConsistencyProof(new ConsistencyLine(note, treeSize, ConsistencyProof.create(size, treeSize, hashes)));
                        linked++;
                    }
                }
            }
        }
        return linked;
    }

    private boolean signedByThisKey(String note) {
        try {
            SignedNote.verify(note, checkpoints.verifierKey());
            return true;
        } catch (NoteException e) {
            return false;
        }
    }
}
