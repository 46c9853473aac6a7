package dev.tracegate.gateway.evidence;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracegate.gateway.store.StoreException;
import dev.tracegate.ledger.bundle.BundleAttachments;
import dev.tracegate.ledger.bundle.ConsistencyLine;
import dev.tracegate.ledger.bundle.EvidenceBundleWriter;
import dev.tracegate.ledger.bundle.ManifestNote;
import dev.tracegate.ledger.bundle.ProofLine;
import dev.tracegate.ledger.merkle.ConsistencyProof;
import dev.tracegate.ledger.merkle.InclusionProof;
import dev.tracegate.ledger.merkle.SubtreeHashes;
import dev.tracegate.ledger.note.NoteException;
import dev.tracegate.ledger.note.SignedNote;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

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
        Instant asOf = Instant.now(); // every event logged before is durable when signNow signs, so in its checkpoint
        CheckpointService.SignedCheckpoint checkpoint = checkpoints.signNow();
        long treeSize = checkpoint.checkpoint().size();
        try (EvidenceBundleWriter bundle = EvidenceBundleWriter.open(target); EvidenceReader reader = log.reader()) {
            reader.requireCovers(treeSize);
            PeriodSelection selection = PeriodSelection.find(reader, from, to, treeSize);
            BundleBlobs blobs = new BundleBlobs(log.blobs(), bundle);
            EvidenceReader.LeafVisitor add = (index, leaf) -> {
                bundle.addEvent(leaf, new ProofLine(index, treeSize, InclusionProof.create(index, treeSize, reader.subtrees())));
                blobs.addFor(leaf);
            };
            for (long index : selection.context()) {
                add.visit(index, reader.leaf(index));
            }
            if (selection.last() >= selection.first()) {
                reader.scan(selection.first(), selection.last() + 1, add);
            }
            long written = selection.context().size() + Math.max(0, selection.last() - selection.first() + 1);
            long linked = addConsistencyProofs(reader, bundle, selection, treeSize);
            ObjectNode period = JsonNodeFactory.instance.objectNode().put("export", "period").put("from", from.toString())
                    .put("to", to.toString());
            bundle.finish(checkpoint.note(), checkpoints.signer(), ManifestNote.stating(period, asOf), attachments);
            return new Summary(written, treeSize, linked);
        } catch (SQLException e) {
            throw new StoreException("cannot read the checkpoints for the period's bundle", e);
        }
    }

    /**
     * Every stored checkpoint that sealed events of the range, plus the last one before it and the
     * first one after, each with its proof of being a prefix of the bundle's checkpoint. Notes
     * signed by another key (before a key rotation) are left out: the auditor checks with this one.
     */
    private long addConsistencyProofs(EvidenceReader reader, EvidenceBundleWriter bundle, PeriodSelection selection,
                                      long treeSize) throws SQLException, IOException {
        if (selection.last() < selection.first()) {
            return 0;
        }
        SubtreeHashes hashes = reader.subtrees();
        long linked = 0;
        try (PreparedStatement select = reader.connection().prepareStatement("SELECT tree_size, note FROM checkpoint"
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
